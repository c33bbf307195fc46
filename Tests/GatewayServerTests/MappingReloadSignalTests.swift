import Delivery
import Foundation
import GatewayServer
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("SIGHUP reloads the mappings of a running gateway process", .serialized)
struct MappingReloadSignalTests {
    static let operatorToken = "sighup-operator"

    func ready(_ gateway: GatewayProcess) async throws -> [String: Any] {
        let response = try await gateway.get("/ready")
        return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    /// Polls `/ready` until `condition` holds (at most 15 s).
    func waitFor(_ gateway: GatewayProcess, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        for _ in 0..<150 {
            last = try await ready(gateway)
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("/ready never showed the expected state: \(last)")
        return last
    }

    @Test("a broken file is refused on SIGHUP and named in /ready; the fixed file is applied on the next SIGHUP; the process keeps serving")
    func sighup() async throws {
        let mappings = try MappingReloadTests.EditableMappings()
        defer { mappings.remove() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sighup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("gateway.yaml")
        // Polling off: only the signal may reload.
        try """
        dataDirectory: "\(directory.appendingPathComponent("data").path)"
        mappingsDirectory: "\(mappings.directory.path)"
        mappingsPollSeconds: 0
        sources:
          - {id: "zj-mining", tokenSHA256: "\(Tokens.sha256Hex("sighup-source"))", domains: ["MINING"]}
        operators:
          - {name: "ops", tokenSHA256: "\(Tokens.sha256Hex(Self.operatorToken))"}
        """.write(to: config, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess(configFile: config.path, port: GatewayProcess.freePort())
        defer { gateway.stop() }
        try await gateway.waitUntilHealthy()
        let before = try await ready(gateway)
        let version = try #require(before["mappingsVersion"] as? String)
        #expect((before["mappingsReload"] as? [String: Any])?["status"] as? String == "ok")

        try mappings.edit("systems/zj-mining.yaml", MappingReloadTests.broken)
        // No signal yet, no polling: nothing changes.
        try await Task.sleep(for: .milliseconds(300))
        #expect((try await ready(gateway)["mappingsReload"] as? [String: Any])?["status"] as? String == "ok")

        kill(gateway.process.processIdentifier, SIGHUP)
        let refused = try await waitFor(gateway) { ($0["mappingsReload"] as? [String: Any])?["status"] as? String == "failed" }
        #expect(refused["mappingsVersion"] as? String == version)
        #expect(
            ((refused["mappingsReload"] as? [String: Any])?["detail"] as? [String])?.contains { $0.contains("systems/zj-mining.yaml:34") } == true)
        let sample = Data(try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml").readableBytesView)
        #expect(try await gateway.post(sample, token: "sighup-source").status == 201)

        try mappings.edit("systems/zj-mining.yaml") { $0.replacingOccurrences(of: "titel:", with: "title:") + "\n# reviewed\n" }
        kill(gateway.process.processIdentifier, SIGHUP)
        let applied = try await waitFor(gateway) { ($0["mappingsReload"] as? [String: Any])?["status"] as? String == "ok" }
        #expect(applied["mappingsVersion"] as? String != version)
        #expect(gateway.process.isRunning)
    }
}
