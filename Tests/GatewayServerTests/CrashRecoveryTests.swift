import Delivery
import ExchangeStandard
import Foundation
import GatewayServer
import NIOCore
import ReceiverStandIns
import Store
import Testing

/// A real gateway process, started from the built executable, so a test can SIGKILL it.
/// Process and the libcurl client are used from several tasks; neither holds unsynchronised mutable state here.
final class GatewayProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let client = HTTPClient()

    /// - Parameter extraArguments: more `serve` options (`--data-dir` of a second node on a shared store …).
    init(configFile: String, port: Int, extraArguments: [String] = []) throws {
        self.port = port
        let binary = GatewayTestHarness.root.appendingPathComponent(".build/debug/credit-gateway")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (scripts/test does)")
        process.executableURL = binary
        process.arguments = ["serve", "--config", configFile, "--port", String(port)] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<300 {
            if let response = try? await get("/health"), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw GatewayProcessError.notHealthy
    }

    func post(_ body: Data, token: String) async throws -> OutboundResponse {
        try await client.send(
            OutboundRequest(
                method: .post, url: "http://127.0.0.1:\(port)/v1/batches",
                headers: [.init(name: "Authorization", value: "Bearer \(token)"), .init(name: "Content-Type", value: "application/xml")], body: body,
                timeouts: .init(connect: .seconds(2), total: .seconds(10))))
    }

    func get(_ path: String, token: String? = nil) async throws -> OutboundResponse {
        try await client.send(
            OutboundRequest(
                method: .get, url: "http://127.0.0.1:\(port)\(path)",
                headers: token.map { [.init(name: "Authorization", value: "Bearer \($0)")] } ?? [],
                timeouts: .init(connect: .seconds(1), total: .seconds(5))))
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    enum GatewayProcessError: Error {
        case notHealthy
    }

    /// A port nobody listens on right now.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

@Suite("Crash recovery of a gateway process", .serialized)
struct CrashRecoveryTests {
    static let token = "crash-token"
    static let operatorToken = "crash-operator"

    /// The nb-gpp sample as batch `n`: its own batch number and record ids, so every batch is new content.
    static func batch(_ n: Int) throws -> Data {
        let text = try String(
            contentsOf: GatewayTestHarness.root.appendingPathComponent("Mappings/tests/nb-gpp/NBZC-2024-1120-01.xml"), encoding: .utf8)
        return Data(
            text.replacingOccurrences(of: "NBZC-2024-1120-01", with: "CRASH-\(n)").replacingOccurrences(of: "NBCG-2024-", with: "NBCG-K\(n)-").utf8)
    }

    @Test("after SIGKILL mid-stream every acknowledged batch is complete and readable, and no other batch is half-stored")
    func killAndRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("gateway.yaml")
        try """
        dataDirectory: "\(directory.appendingPathComponent("data").path)"
        mappingsDirectory: "\(GatewayTestHarness.root.appendingPathComponent("Mappings").path)"
        limits: {requestsPerMinutePerSource: 100000, concurrentBatchesPerSource: 8}
        sources:
          - {id: "nb-gpp", tokenSHA256: "\(Tokens.sha256Hex(Self.token))", domains: ["PROCUREMENT"]}
        operators:
          - {name: "ops", tokenSHA256: "\(Tokens.sha256Hex(Self.operatorToken))"}
        """.write(to: config, atomically: true, encoding: .utf8)

        let first = try GatewayProcess(configFile: config.path, port: GatewayProcess.freePort())
        defer { first.stop() }
        try await first.waitUntilHealthy()

        // Two senders post distinct batches as fast as they can; the process is killed while they are at it.
        let acknowledged = Acknowledged()
        let senders = Task {
            await withTaskGroup(of: Void.self) { group in
                for sender in 0..<2 {
                    group.addTask {
                        var n = sender
                        while !Task.isCancelled {
                            guard let body = try? Self.batch(n), let response = try? await first.post(body, token: Self.token) else { return }
                            if (200..<300).contains(response.status),
                                let receipt = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                                let batchId = receipt["batchId"] as? String
                            {
                                await acknowledged.add(n, batchId: batchId, accepted: (receipt["accepted"] as? [Any])?.count ?? -1)
                            }
                            n += 2
                        }
                    }
                }
            }
        }
        while await acknowledged.count < 6 { try await Task.sleep(for: .milliseconds(20)) }
        first.kill()
        senders.cancel()
        await senders.value
        let sent = await acknowledged.highest + 4

        let second = try GatewayProcess(configFile: config.path, port: GatewayProcess.freePort())
        defer { second.stop() }
        try await second.waitUntilHealthy()
        let receipts = await acknowledged.receipts
        #expect(receipts.count >= 6)
        for (n, receipt) in receipts {
            let response = try await second.get("/v1/batches/\(receipt.batchId)", token: Self.operatorToken)
            #expect(response.status == 200, "acknowledged batch \(n) is missing after the restart")
            let details = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            #expect(((details?["receipt"] as? [String: Any])?["accepted"] as? [Any])?.count == receipt.accepted)
        }
        // Batches that got no answer are either absent or complete: never half-stored.
        for n in 0...sent where receipts[n] == nil {
            let batchId = BatchKey(sourceSystem: "nb-gpp", batchNumber: "CRASH-\(n)", bodySHA256: "").batchId
            let response = try await second.get("/v1/batches/\(batchId)", token: Self.operatorToken)
            #expect(response.status == 404 || response.status == 200)
            if response.status == 200 {
                let details = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
                #expect((details?["hubVersions"] as? [Any])?.count == 3)
            }
        }
        let store = try SQLiteGatewayStore(path: directory.appendingPathComponent("data/gateway.sqlite").path)
        let audit = try await store.verifyAuditChain(rehashBodies: true)
        #expect(audit.isIntact)
        #expect(audit.linksChecked >= receipts.count)
    }

    actor Acknowledged {
        struct Receipt {
            var batchId: String
            var accepted: Int
        }
        var receipts: [Int: Receipt] = [:]
        var count: Int { receipts.count }
        var highest: Int { receipts.keys.max() ?? 0 }
        func add(_ n: Int, batchId: String, accepted: Int) { receipts[n] = Receipt(batchId: batchId, accepted: accepted) }
    }
}

@Suite("Delivery across a crash", .serialized)
struct DeliveryCrashTests {
    @Test("a gateway killed while deliveries are in flight finishes them after restart: nothing lost, nothing applied twice")
    func killDuringDelivery() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hub = TradingHubStandIn()
        let publisher = CreditZhejiangStandIn()
        // Slow answers (after the hub has applied them) keep deliveries in flight when the process dies.
        await hub.inject(.delay(milliseconds: 1500, when: .afterHandling, count: 100))
        try await hub.withServer { hubURL in
            try await publisher.withServer { publisherURL in
                let config = directory.appendingPathComponent("gateway.yaml")
                let sources = GatewayTestHarness.tokens.map { id, token in
                    "  - {id: \"\(id)\", tokenSHA256: \"\(Tokens.sha256Hex(token))\", domains: [\"\(GatewayTestHarness.domains[id]!)\"]}"
                }.sorted().joined(separator: "\n")
                try """
                dataDirectory: "\(directory.appendingPathComponent("data").path)"
                mappingsDirectory: "\(GatewayTestHarness.root.appendingPathComponent("Mappings").path)"
                deliveryLeaseSeconds: 2
                limits: {requestsPerMinutePerSource: 100000}
                destinations:
                  hub: {baseURL: "\(hubURL)"}
                  publisher: {baseURL: "\(publisherURL)"}
                sources:
                \(sources)
                """.write(to: config, atomically: true, encoding: .utf8)

                let first = try GatewayProcess(configFile: config.path, port: GatewayProcess.freePort())
                defer { first.stop() }
                try await first.waitUntilHealthy()
                var accepted: [String: Int] = [:]
                for (system, file) in DeliveryFlowTests.batches {
                    let body = Data(try GatewayTestHarness.sample(system, file).readableBytesView)
                    let response = try await first.post(body, token: "token-\(system)")
                    #expect(response.status == 201)
                    let receipt = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
                    for record in receipt?["accepted"] as? [[String: Any]] ?? [] {
                        let id = record["recordId"] as! String
                        accepted[id] = max(accepted[id] ?? 0, record["version"] as! Int)
                    }
                }
                // Kill once the hub has applied records whose delivery the gateway has not yet recorded: the answer
                // is still on its way (slow), so after the restart they are sent again and must be no-ops.
                let observer = try SQLiteGatewayStore(path: directory.appendingPathComponent("data/gateway.sqlite").path)
                var inFlight = 0
                for _ in 0..<200 {
                    let applied = await hub.state().records.count
                    inFlight = try await observer.outboxStatistics(now: Date()).first { $0.destination == .hub }?.inflight ?? 0
                    if applied > 0 && inFlight > 0 { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
                #expect(inFlight > 0)
                first.kill()

                let second = try GatewayProcess(configFile: config.path, port: GatewayProcess.freePort())
                defer { second.stop() }
                try await second.waitUntilHealthy()
                for _ in 0..<300 {
                    let held = await hub.state().records.mapValues(\.version)
                    if held == accepted { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let state = await hub.state()
                #expect(state.records.mapValues(\.version) == accepted)
                #expect(state.orderingViolations.isEmpty)
                // Each version applied once: the resent ones after the restart were recognised and changed nothing.
                for held in state.records.values { #expect(held.appliedVersions == Array(1...held.version)) }
                #expect(state.idempotentReplays + state.duplicateVersions > 0)
                let published = await publisher.state()
                #expect(published.publications.values.compactMap(\.record).map(\.CF_XDR_MC).sorted() == ["吴某某", "温州永嘉宏远建设有限公司"])
                #expect(published.orderingViolations.isEmpty && published.privacyViolations.isEmpty)
            }
        }
    }
}
