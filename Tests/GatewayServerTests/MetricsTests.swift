import Delivery
import ExchangeStandard
import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ReceiverStandIns
import Store
import Testing

@Suite("GET /metrics in Prometheus format")
struct MetricsTests {
    func scrape(_ client: any TestClientProtocol) async throws -> PrometheusText {
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return PrometheusText(String(buffer: response.body))
    }

    @Test("batches by outcome, records accepted and rejected by source and rule, late records, and the queue as the store has it")
    func ingest() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let mining = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml")
            let procurement = try await GatewayTestHarness.post(client, "nb-gpp", "NBZC-2024-1120-01.xml")
            let malformed = try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-nb-gpp"),
                body: ByteBuffer(string: "<batch><unclosed>"))
            #expect(malformed.status == .badRequest)
            let resent = try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-zj-mining"),
                body: try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml"))
            #expect(resent.status == .ok)

            let metrics = try await scrape(client)
            #expect(metrics.value("gateway_batches_total", ["source": "zj-mining", "outcome": "accepted"]) == 1)
            #expect(metrics.value("gateway_batches_total", ["source": "zj-mining", "outcome": "duplicate"]) == 1)
            #expect(metrics.value("gateway_batches_total", ["source": "nb-gpp", "outcome": "refused"]) == 1)
            #expect(metrics.value("gateway_batch_seconds_count", ["source": "nb-gpp"]) == 2)

            for (source, receipt) in [("zj-mining", mining), ("nb-gpp", procurement)] {
                let accepted = receipt["accepted"] as? [[String: Any]] ?? []
                let rejected = receipt["rejected"] as? [[String: Any]] ?? []
                #expect(metrics.value("gateway_records_total", ["source": source, "outcome": "accepted"]) == Double(accepted.count))
                #expect(metrics.value("gateway_records_total", ["source": source, "outcome": "rejected"]) == Double(rejected.count))
                let late = accepted.filter { $0["late"] as? Bool == true && $0["action"] as? String != "unchanged" }.count
                #expect(metrics.value("gateway_late_records_total", ["source": source]) == Double(late))
            }
            #expect(metrics.value("gateway_record_rejections_total", ["source": "zj-mining", "rule": "regionCode.length"]) == 1)
            #expect(metrics.value("gateway_record_rejections_total", ["source": "zj-mining", "rule": "required"]) == 1)

            let queues = try await harness.store.outboxStatistics(now: Date())
            for queue in queues {
                let destination = ["destination": queue.destination.rawValue]
                #expect(metrics.value("gateway_outbox_pending", destination) == Double(queue.pending))
                #expect(metrics.value("gateway_dead_letters", destination) == 0)
                #expect((metrics.value("gateway_outbox_oldest_pending_age_seconds", destination) ?? -1) >= 0)
            }
            #expect(metrics.value("gateway_mapping_reload_failing") == 0)
        }
    }

    @Test("delivery attempts by outcome, their latency, dead letters and a failing receiver, per destination")
    func delivery() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            _ = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml")
        }
        let batch = try #require(try await harness.store.batches(BatchListQuery()).first)
        let accepted = try #require(try await harness.store.batch(id: batch.batchId)).receipt.receipt.accepted.map(\.recordId)
        let rejectedId = try #require(accepted.sorted().first)
        let hub = TradingHubStandIn()
        await hub.inject(.rejectRecord(id: rejectedId, reason: "项目编号不存在"))
        let client = HTTPClient()
        try await hub.withServer { url in
            let queue = StoreOutboxQueue(store: harness.store, metrics: harness.application.metrics)
            let worker = TestDelivery.worker(.tradingHub(HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: url))), queue: queue, client: client)
            try await TestDelivery.drain(worker, store: harness.store, destination: .hub)
        }
        harness.application.destinations.register(.tradingHub)
        harness.application.destinations.record(.tradingHub, .startedFailing(since: Date(), consecutiveFailures: 3, lastError: "503"))

        try await harness.live { client in
            let metrics = try await scrape(client)
            let hubLabel = ["destination": "hub"]
            #expect(metrics.value("gateway_delivery_attempts_total", ["destination": "hub", "outcome": "delivered"]) == Double(accepted.count - 1))
            #expect(metrics.value("gateway_delivery_attempts_total", ["destination": "hub", "outcome": "dead"]) == 1)
            #expect(metrics.value("gateway_dead_letters_total", hubLabel) == 1)
            #expect(metrics.value("gateway_dead_letters", hubLabel) == 1)
            #expect(metrics.value("gateway_delivery_latency_seconds_count", hubLabel) == Double(accepted.count - 1))
            #expect(metrics.value("gateway_delivery_attempt_seconds_count", hubLabel) == Double(accepted.count))
            #expect(metrics.value("gateway_outbox_pending", hubLabel) == 0)
            #expect(metrics.value("gateway_destination_failing", hubLabel) == 1)
        }
    }
}
