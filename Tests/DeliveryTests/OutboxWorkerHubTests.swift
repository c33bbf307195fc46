import Foundation
import ReceiverStandIns
import Testing

@testable import Delivery

/// The worker against the trading hub stand-in over loopback: what the hub ends up holding equals what was queued,
/// each version once and in order, whatever the hub does meanwhile.
@Suite("OutboxWorker → trading hub")
struct OutboxWorkerHubTests {
    /// Each fault kind the stand-in can show, with three versions of 20 records queued.
    static let faults: [(String, [StandInFault])] = [
        ("no fault", []),
        ("500 three times", [.status(500, count: 3)]),
        ("502 then 504", [.status(502), .status(504)]),
        ("429 with Retry-After", [.status(429, retryAfterSeconds: 1)]),
        ("503 with Retry-After", [.status(503, retryAfterSeconds: 1, count: 2)]),
        ("slow answers past the timeout", [.delay(milliseconds: 1200, count: 2)]),
        ("connections dropped before handling", [.drop(.beforeHandling, count: 2)]),
        ("connections dropped after handling", [.drop(.afterHandling, count: 3)]),
        ("a mix", [.status(503), .drop(.afterHandling), .delay(milliseconds: 1200), .status(500), .drop(.beforeHandling)]),
    ]

    @Test("every fault kind: the hub ends with exactly what was queued", arguments: faults)
    func faultKinds(name: String, faults: [StandInFault]) async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 20, versions: 3)
        try await hub.withServer { baseURL in
            for fault in faults { await hub.inject(fault) }
            try await withHTTPClient { client in
                // Below the 1.2 s of the slow-answer faults, with room for a loaded machine's own delays.
                let endpoint = loopbackEndpoint(baseURL, total: .milliseconds(900))
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: endpoint)), client: client)
                try await harness.runUntilSettled(worker)
            }
            await harness.expectHubMatchesOutbox(hub)
            let state = await hub.state()
            #expect(state.records.count == 20)
            #expect(state.records.values.allSatisfy { $0.appliedVersions == [1, 2, 3] })
            let applied = state.faultsApplied.values.reduce(0, +)
            #expect(applied == faults.reduce(0) { $0 + ($1.count ?? 1) }, "\(name): every injected fault was met")
        }
    }

    @Test("1 200 items: batches of at most 500 records, one version per record per batch")
    func largeBatches() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 600, versions: 2)
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                try await harness.runUntilSettled(worker, timeout: .seconds(60))
            }
            await harness.expectHubMatchesOutbox(hub)
            let state = await hub.state()
            // 1 200 records in ≤ 500 per batch: at least 3 batches; the stand-in refuses more than 500 with 400.
            #expect(state.batches >= 3)
            #expect(state.records.count == 600)
        }
    }

    @Test("Retry-After is honoured: nothing is resent before it")
    func retryAfterHonoured() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 3)
        try await hub.withServer { baseURL in
            await hub.inject(.status(429, retryAfterSeconds: 1))
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                let elapsed = try await harness.runUntilSettled(worker)
                #expect(elapsed >= .seconds(1))
            }
            #expect(await hub.state().requests == 2)
            await harness.expectHubMatchesOutbox(hub)
            for entry in await harness.queue.entries.values {
                #expect(entry.item.attempts == 1)
                #expect(entry.lastError?.contains("429") == true)
            }
        }
    }

    @Test("an outage raises one started-failing and one recovered event, not one per record")
    func oneAlertPerOutage() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 50)
        try await hub.withServer { baseURL in
            await hub.inject(.status(500, count: 5))
            try await withHTTPClient { client in
                let worker = harness.worker(
                    .tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))),
                    client: client,
                    configuration: WorkerHarness.configuration(failureThreshold: 2, batchSize: 10)
                )
                try await harness.runUntilSettled(worker)
                #expect(await worker.health.isDegraded == false)
            }
            await harness.expectHubMatchesOutbox(hub)
        }
        let events = harness.events.withLock { $0 }
        #expect(events.count == 2)
        guard events.count == 2, case .startedFailing(_, 2, let lastError) = events[0], case .recovered(_, _, 5) = events[1] else {
            Issue.record("expected started-failing after 2 failures, then recovered after 5: \(events)")
            return
        }
        #expect(lastError.contains("500"))
    }

    @Test("per-record rejections: those versions dead with the hub's reason, later versions and other records delivered")
    func perRecordRejection() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 10, versions: 2) { id, version in
            id == "hub-3" && version == 1 ? "hub-3 拒收 第1版" : nil
        }
        try await hub.withServer { baseURL in
            await hub.inject(.rejectWhere(field: "title", contains: "拒收", reason: "标题不合规"))
            await hub.inject(.rejectRecord(id: "hub-7", reason: "regionCode 339999 unknown"))
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                try await harness.runUntilSettled(worker)
            }
            await harness.expectHubMatchesOutbox(
                hub,
                expectedDead: [
                    "hub-3 v1": "trading hub rejected the record: 标题不合规",
                    "hub-7 v1": "regionCode 339999 unknown",
                    "hub-7 v2": "regionCode 339999 unknown",
                ]
            )
            #expect(await hub.state().records["hub-3"]?.appliedVersions == [2])
        }
    }

    @Test("a 400 for the whole batch dead-letters its records with the hub's reason")
    func wholeBatchRefused() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 4)
        try await hub.withServer { baseURL in
            await hub.inject(.status(400))
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                try await harness.runUntilSettled(worker)
            }
            let reason = "trading hub refused the batch (400): injected fault: 400"
            await harness.expectHubMatchesOutbox(
                hub,
                expectedDead: ["hub-0 v1": reason, "hub-1 v1": reason, "hub-2 v1": reason, "hub-3 v1": reason]
            )
        }
    }

    @Test("an unreadable stored record is dead without being sent; the rest goes")
    func unreadableRecord() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 2)
        await harness.queue.enqueue(.tradingHub, recordId: "broken", version: 1, operation: .upsert, json: Data("{}".utf8))
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                try await harness.runUntilSettled(worker)
            }
            await harness.expectHubMatchesOutbox(hub, expectedDead: ["broken v1": "stored hub record is unreadable"])
        }
    }

    @Test("cancellation stops run() at once and releases the items in flight unattempted")
    func cancellation() async throws {
        let hub = TradingHubStandIn()
        let harness = WorkerHarness()
        await harness.enqueueHub(records: 3)
        try await hub.withServer { baseURL in
            await hub.inject(.delay(milliseconds: 5000, when: .beforeHandling))
            try await withHTTPClient { client in
                let worker = harness.worker(.tradingHub(HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))), client: client)
                let task = Task { await worker.run() }
                let inFlight = try await eventually { await hub.state().requests == 1 }
                #expect(inFlight)
                let cancelled = ContinuousClock.now
                task.cancel()
                await task.value
                // Well under the 5 s the answer would take; 1 s was missed by 0.01 s on a loaded machine.
                #expect(ContinuousClock.now - cancelled < .seconds(3))
            }
            for entry in await harness.queue.entries.values {
                #expect(entry.status == .pending)
                #expect(entry.leaseOwner == nil)
                #expect(entry.item.attempts == 0)
            }
        }
    }
}
