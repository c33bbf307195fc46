import Delivery
import ExchangeStandard
import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mapping
import NIOCore
import ReceiverStandIns
import Store
import TestSupport
import Testing

@Suite("Accepted records flow from the store to the stand-in receivers", .serialized)
struct DeliveryFlowTests {
    static let batches: [(String, String)] = [
        ("hz-housing", "batch-20241008-001.xml"), ("zj-land", "batch-LT20241105A.xml"), ("zj-mining", "push-20241112-0001.xml"),
        ("nb-gpp", "NBZC-2024-1120-01.xml"), ("nb-gpp", "NBZC-2024-1122-01.xml"), ("zj-property", "CQJY-20241118.xml"),
        ("wz-bidding", "WZJY-20241125-07.xml"),
    ]

    /// Posts every sample over HTTP and returns the hub and credit versions the receipts accepted.
    func ingestAll(_ harness: GatewayTestHarness) async throws -> (hub: [String: Int], credit: [String: Int]) {
        let accepted = Accepted()
        try await harness.live { client in
            for (system, file) in Self.batches {
                try await client.execute(
                    uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-\(system)"),
                    body: try GatewayTestHarness.sample(system, file)
                ) { response in
                    #expect(response.status == .created)
                    for record in try GatewayTestHarness.json(response.body)["accepted"] as? [[String: Any]] ?? [] {
                        await accepted.add(hub: record["recordId"] as! String, version: record["version"] as! Int)
                        for credit in record["credits"] as? [[String: Any]] ?? [] {
                            await accepted.add(credit: credit["creditRecordId"] as! String, version: credit["version"] as! Int)
                        }
                    }
                }
            }
        }
        return await (accepted.hub, accepted.credit)
    }

    actor Accepted {
        var hub: [String: Int] = [:]
        var credit: [String: Int] = [:]
        func add(hub id: String, version: Int) { hub[id] = max(hub[id] ?? 0, version) }
        func add(credit id: String, version: Int) { credit[id] = max(credit[id] ?? 0, version) }
    }

    func worker(_ receiver: OutboxWorker.Receiver, store: any GatewayStore, client: HTTPClient) -> OutboxWorker {
        TestDelivery.worker(receiver, queue: StoreOutboxQueue(store: store), client: client)
    }

    func drain(_ worker: OutboxWorker, store: any GatewayStore, destination: Store.OutboxDestination) async throws {
        try await TestDelivery.drain(worker, store: store, destination: destination)
    }

    @Test(
        "through 503, a dropped connection and a 500, every accepted version reaches each receiver exactly once in effect, masked",
        arguments: StoreBackend.allCases)
    func samplesReachBothReceivers(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        let accepted = try await ingestAll(harness)
        #expect(accepted.hub.count == 19)
        let hub = TradingHubStandIn()
        let publisher = CreditZhejiangStandIn()
        let client = HTTPClient()
        await hub.inject(.status(503, retryAfterSeconds: 1))
        await hub.inject(.drop(.afterHandling))
        await publisher.inject(.status(500, count: 2))
        try await hub.withServer { hubURL in
            try await publisher.withServer { publisherURL in
                let hubWorker = worker(
                    .tradingHub(HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: hubURL))), store: harness.store, client: client)
                let publisherWorker = worker(
                    .creditZhejiang(PublisherDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: publisherURL))), store: harness.store,
                    client: client)
                try await drain(hubWorker, store: harness.store, destination: .hub)
                try await drain(publisherWorker, store: harness.store, destination: .publisher)
            }
        }
        let hubState = await hub.state()
        #expect(hubState.orderingViolations.isEmpty)
        #expect(hubState.privacyViolations.isEmpty)
        #expect(hubState.faultsApplied.values.reduce(0, +) >= 2)
        #expect(Dictionary(uniqueKeysWithValues: hubState.records.map { ($0.key, $0.value.version) }) == accepted.hub)
        for held in hubState.records.values {
            #expect(held.appliedVersions == Array(1...held.version))
        }
        let candidates = try #require(hubState.records.values.first { $0.record.source.recordId == "HX-2024-0871-001" })
        #expect(candidates.record.parties?.contains { $0.idNumber == "330302********4786" } == true)
        #expect(!candidates.record.parties!.contains { $0.idNumber == "330302197905124786" })

        let published = await publisher.state()
        #expect(published.orderingViolations.isEmpty && published.privacyViolations.isEmpty)
        // The records arrive "today" (the test's clock), after the publicity of nb-gpp's penalty (2025-11-12) and
        // zj-land's finding (2025-10-31) ended: only wz-bidding's two serious penalties (until 2027-11-15) are shown.
        #expect(accepted.credit.count == 4)
        let subjects = published.publications.values.compactMap(\.record).map(\.CF_XDR_MC).sorted()
        #expect(subjects == ["吴某某", "温州永嘉宏远建设有限公司"])
        let person = try #require(published.publications.values.compactMap(\.record).first { $0.CF_XDR_MC == "吴某某" })
        #expect(person.CF_XDR_ZJHM == "330102********7867")
        // The credit platform's feed keeps the unmasked number.
        let feed = try await harness.store.creditFeed(after: nil, limit: 100)
        #expect(feed.records.contains { $0.CF_XDR_ZJHM == "330102196603017867" })
    }

    @Test(
        "a per-record rejection becomes a dead letter with the hub's reason; replayed after the fix it is delivered", arguments: StoreBackend.allCases
    )
    func deadLetterAndReplay(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        let accepted = try await ingestAll(harness)
        let rejectedId = try #require(accepted.hub.keys.sorted().first)
        let hub = TradingHubStandIn()
        let client = HTTPClient()
        await hub.inject(.rejectRecord(id: rejectedId, reason: "项目编号不存在"))
        try await hub.withServer { hubURL in
            let hubWorker = worker(
                .tradingHub(HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: hubURL))), store: harness.store, client: client)
            try await drain(hubWorker, store: harness.store, destination: .hub)
            await hub.clearFaults()
            // Operators see the dead letter and replay it through the API.
            try await harness.live { client in
                let operatorHeaders = GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken)
                try await client.execute(uri: "/v1/dead-letters?destination=hub", method: .get, headers: operatorHeaders) { response in
                    #expect(response.status == .ok)
                    let dead = try #require(try GatewayTestHarness.json(response.body)["deadLetters"] as? [[String: Any]])
                    #expect(dead.compactMap { $0["recordId"] as? String } == [rejectedId])
                    #expect((dead.first?["deadReason"] as? String)?.contains("项目编号不存在") == true)
                }
                try await client.execute(
                    uri: "/v1/dead-letters/replay", method: .post, headers: GatewayTestHarness.headers(token: "token-nb-gpp"),
                    body: ByteBuffer(string: "{}")
                ) {
                    #expect($0.status == .unauthorized)
                }
                try await client.execute(
                    uri: "/v1/dead-letters/replay", method: .post, headers: operatorHeaders,
                    body: ByteBuffer(string: #"{"destination": "hub", "reason": "项目编号"}"#)
                ) { response in
                    #expect(response.status == .ok)
                    let answer = try GatewayTestHarness.json(response.body)
                    #expect((answer["replayed"] as? [Any])?.count == 1)
                }
            }
            try await drain(hubWorker, store: harness.store, destination: .hub)
        }
        let state = await hub.state()
        #expect(state.records[rejectedId]?.version == accepted.hub[rejectedId])
        #expect(try await harness.store.deadLetters(DeadLetterFilter(destination: .hub)).isEmpty)
    }

    @Test("when the publicity period has passed, the publication is taken down and the record kept", arguments: StoreBackend.allCases)
    func publicityExpiry(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        _ = try await ingestAll(harness)
        let publisher = CreditZhejiangStandIn()
        let client = HTTPClient()
        try await publisher.withServer { url in
            let publisherWorker = worker(
                .creditZhejiang(PublisherDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: url))), store: harness.store, client: client)
            try await drain(publisherWorker, store: harness.store, destination: .publisher)
            let before = await publisher.state().publications.values.filter { $0.record != nil }.count
            #expect(before == 2)
            var logger = Logger(label: "expiry")
            logger.logLevel = .error
            // 2027-11-16 is the day after wz-bidding's serious penalties end (2027-11-15).
            let expiry = PublicityExpiryService(store: harness.store, logger: logger, today: { LocalDate(iso: "2027-11-16")! })
            #expect(try await expiry.sweep() == before)
            try await drain(publisherWorker, store: harness.store, destination: .publisher)
            #expect(try await expiry.sweep() == 0)
        }
        let after = await publisher.state()
        #expect(after.publications.values.allSatisfy { $0.record == nil })
        #expect(after.deletions.count == 2)
        let feed = try await harness.store.creditFeed(after: nil, limit: 100)
        #expect(feed.records.count == 4)
    }
}

@Suite("Dead letters re-mapped with fixed mapping files", .serialized)
struct RemapReplayTests {
    @Test("a record the hub refuses because of the mapping is re-mapped from the stored raw batch after the fix and delivered")
    func remapAfterMappingFix() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-zj-mining"),
                body: try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml")
            ) { #expect($0.status == .created) }
        }
        let hub = TradingHubStandIn()
        // The hub's rule: titles must not say 挂牌; MR-2024-0112's does.
        await hub.rejectRecords(reason: "标题不得含“挂牌”") { $0.title.contains("挂牌") }
        let client = HTTPClient()
        try await hub.withServer { hubURL in
            let worker = DeliveryFlowTests().worker(
                .tradingHub(HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: hubURL))), store: harness.store, client: client)
            try await DeliveryFlowTests().drain(worker, store: harness.store, destination: .hub)
            let dead = try await harness.store.deadLetters(DeadLetterFilter(destination: .hub))
            #expect(dead.count == 1)

            // The integrator fixes the mapping: the title's 挂牌 becomes 公开.
            let fixed = FileManager.default.temporaryDirectory.appendingPathComponent("mappings-fixed-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: fixed) }
            try FileManager.default.copyItem(at: GatewayTestHarness.root.appendingPathComponent("Mappings"), to: fixed)
            let file = fixed.appendingPathComponent("systems/zj-mining.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(
                    of: "      title: \"title\"", with: "      title: {path: \"title\", replace: [{pattern: \"挂牌\", with: \"公开\"}]}")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let mappings = try MappingSet.load(directory: fixed.path).get().0
            let fixedGateway = GatewayApplication(
                configuration: harness.configuration, store: harness.store, mappings: mappings, logger: harness.application.logger)
            let app = Application(router: fixedGateway.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                try await client.execute(
                    uri: "/v1/dead-letters/replay", method: .post, headers: GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken),
                    body: ByteBuffer(string: #"{"remap": true, "destination": "hub"}"#)
                ) { response in
                    #expect(response.status == .ok)
                    let answer = try GatewayTestHarness.json(response.body)
                    #expect((answer["replayed"] as? [Any])?.count == 1)
                    #expect((answer["failed"] as? [String: Any])?.isEmpty == true)
                }
            }
            try await DeliveryFlowTests().drain(worker, store: harness.store, destination: .hub)
        }
        let state = await hub.state()
        let delivered = try #require(state.records.values.first { $0.record.source.recordId == "MR-2024-0112" })
        #expect(delivered.record.title == "长兴县某建筑用石料矿采矿权公开出让公告")
        #expect(delivered.version == 1)
        let history = try await harness.store.recordHistory(recordId: delivered.record.recordId)
        #expect(history.count == 1)
        #expect(history.first?.record.title == "长兴县某建筑用石料矿采矿权公开出让公告")
    }
}
