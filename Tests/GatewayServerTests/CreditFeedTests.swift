import Delivery
import ExchangeStandard
import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Store
import TestSupport
import Testing

@Suite("GET /v1/feeds/credit over real HTTP", .serialized)
struct CreditFeedTests {
    static let consumerToken = "token-credit-platform"

    func harness(_ backend: StoreBackend) async throws -> GatewayTestHarness {
        try await GatewayTestHarness(backend) { $0.consumers = [.init(name: "credit-platform", tokenSHA256: Tokens.sha256Hex(Self.consumerToken))] }
    }

    @Test(
        "pages every credit version once, in commit order, unmasked; needs a consumer token; rejects a forged cursor",
        arguments: StoreBackend.allCases)
    func paging(_ backend: StoreBackend) async throws {
        let harness = try await harness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            for (system, file) in [("zj-land", "batch-LT20241105A.xml"), ("nb-gpp", "NBZC-2024-1120-01.xml"), ("wz-bidding", "WZJY-20241125-07.xml")]
            {
                try await client.execute(
                    uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-\(system)"),
                    body: try GatewayTestHarness.sample(system, file)
                ) { #expect($0.status == .created) }
            }
            try await client.execute(uri: "/v1/feeds/credit", method: .get, headers: GatewayTestHarness.headers(token: "token-nb-gpp")) {
                #expect($0.status == .unauthorized)
            }
            var cursor = ""
            var seen: [String] = []
            for _ in 0..<10 {
                let page = try await client.execute(
                    uri: "/v1/feeds/credit?limit=1&after=\(cursor)", method: .get, headers: GatewayTestHarness.headers(token: Self.consumerToken)
                ) { try GatewayTestHarness.json($0.body) }
                let records = page["records"] as? [[String: Any]] ?? []
                seen += records.map { "\($0["CF_XDR_MC"]!)" }
                cursor = try #require(page["next"] as? String)
                if records.isEmpty { break }
            }
            #expect(seen == ["杭州余杭恒远实业有限公司", "宁波江东天成科技有限公司", "温州永嘉宏远建设有限公司", "吴某某"])
            try await client.execute(
                uri: "/v1/feeds/credit?after=djE6OTk5", method: .get, headers: GatewayTestHarness.headers(token: Self.consumerToken)
            ) {
                _ in
            }
            try await client.execute(
                uri: "/v1/feeds/credit?after=not-a-cursor", method: .get, headers: GatewayTestHarness.headers(token: Self.consumerToken)
            ) {
                #expect($0.status == .badRequest)
            }
            let all = try await client.execute(uri: "/v1/feeds/credit", method: .get, headers: GatewayTestHarness.headers(token: Self.consumerToken))
            {
                String(buffer: $0.body)
            }
            #expect(all.contains("330102196603017867"))
        }
    }

    @Test("a long poll answers as soon as a newer credit record commits", arguments: StoreBackend.allCases)
    func longPoll(_ backend: StoreBackend) async throws {
        let harness = try await harness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            let start = ContinuousClock.now
            async let poll = client.execute(
                uri: "/v1/feeds/credit?wait=30", method: .get, headers: GatewayTestHarness.headers(token: Self.consumerToken)
            ) {
                try GatewayTestHarness.json($0.body)
            }
            try await Task.sleep(for: .milliseconds(300))
            // The test client holds one connection, busy with the poll: the batch goes through libcurl on its own.
            let port = try #require(client.port)
            let body = try GatewayTestHarness.sample("zj-land", "batch-LT20241105A.xml")
            let response = try await HTTPClient().send(
                OutboundRequest(
                    method: .post, url: "http://127.0.0.1:\(port)/v1/batches",
                    headers: [.init(name: "Authorization", value: "Bearer token-zj-land"), .init(name: "Content-Type", value: "application/xml")],
                    body: Data(body.readableBytesView)))
            #expect(response.status == 201)
            let page = try await poll
            #expect((page["records"] as? [Any])?.count == 1)
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }
}

@Suite("The feed under concurrent ingest over real HTTP", .serialized)
struct CreditFeedConcurrencyTests {
    @Test("a reader paging from the start while two writers commit ends with exactly the committed versions, in order")
    func concurrentWriters() async throws {
        let harness = try await GatewayTestHarness { configuration in
            configuration.consumers = [.init(name: "credit-platform", tokenSHA256: Tokens.sha256Hex(CreditFeedTests.consumerToken))]
            configuration.limits.requestsPerMinutePerSource = 100_000
            configuration.limits.concurrentBatchesPerSource = 4
        }
        defer { harness.remove() }
        try await harness.live { client in
            let port = try #require(client.port)
            let http = HTTPClient()
            let batchesPerWriter = 12
            // Each generated nb-gpp batch carries one penalty: one credit record version per batch.
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<2 {
                        group.addTask {
                            for index in 0..<batchesPerWriter {
                                let response = try await http.send(
                                    OutboundRequest(
                                        method: .post, url: "http://127.0.0.1:\(port)/v1/batches",
                                        headers: [
                                            .init(name: "Authorization", value: "Bearer token-nb-gpp"),
                                            .init(name: "Content-Type", value: "application/xml"),
                                        ],
                                        body: try CrashRecoveryTests.batch(writer * 1000 + index)))
                                #expect(response.status == 201)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var cursor = ""
            var seen: [String] = []
            let expected = 2 * batchesPerWriter
            for _ in 0..<500 where seen.count < expected {
                let response = try await http.send(
                    OutboundRequest(
                        method: .get, url: "http://127.0.0.1:\(port)/v1/feeds/credit?limit=3&wait=2&after=\(cursor)",
                        headers: [.init(name: "Authorization", value: "Bearer \(CreditFeedTests.consumerToken)")]))
                let page = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
                seen += (page["records"] as? [[String: Any]] ?? []).map { "\($0["creditRecordId"]!) v\($0["version"]!)" }
                cursor = try #require(page["next"] as? String)
            }
            try await writers.value
            let committed = try await harness.store.creditFeed(after: nil, limit: 1000).records.map { "\($0.creditRecordId) v\($0.version)" }
            #expect(committed.count == expected)
            #expect(seen == committed)
            #expect(Set(seen).count == seen.count)
        }
    }
}
