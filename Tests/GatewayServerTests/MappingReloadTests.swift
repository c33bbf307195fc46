import ExchangeStandard
import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import Logging
import Mapping
import NIOCore
import Store
import Testing

@Suite("Mapping reloads: checked before use, atomic, one mapping per batch")
struct MappingReloadTests {
    /// A copy of the shipped mapping files that a test may edit.
    struct EditableMappings {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("mappings-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let shipped = GatewayTestHarness.root.appendingPathComponent("Mappings")
            for item in ["catalog.yaml", "calendars", "codes", "systems"] {
                try FileManager.default.copyItem(at: shipped.appendingPathComponent(item), to: directory.appendingPathComponent(item))
            }
        }

        func file(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

        func edit(_ relative: String, _ change: (String) -> String) throws {
            let text = try String(contentsOf: file(relative), encoding: .utf8)
            let changed = change(text)
            #expect(changed != text, "the edit of \(relative) changed nothing")
            try changed.write(to: file(relative), atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// zj-mining maps `title` from `<title>`; after this edit, from `<projectName>`: an edit whose effect shows.
    static func titleFromProjectName(_ text: String) -> String {
        text.replacingOccurrences(of: "      title: \"title\"\n", with: "      title: \"projectName\"\n")
    }

    /// An unknown key in the record's hub mapping: `mappings check` finds it at systems/zj-mining.yaml:34.
    static func broken(_ text: String) -> String {
        text.replacingOccurrences(of: "      title: \"title\"\n", with: "      titel: \"title\"\n")
    }

    static func newBatchNumber(_ text: String) -> String {
        text.replacingOccurrences(of: "MR-20241112-0001", with: "MR-20241112-0002")
    }

    @Test("a broken file is refused, the error shows in /ready and the console, and batches map as before; a sound edit is applied")
    func brokenThenFixed() async throws {
        let mappings = try EditableMappings()
        defer { mappings.remove() }
        let harness = try await GatewayTestHarness { $0.mappingsDirectory = mappings.directory.path }
        defer { harness.remove() }
        let registry = harness.application.mappings
        let before = registry.current
        let beforeHash = try #require(before.mappings["zj-mining"]?.fileHash)

        try mappings.edit("systems/zj-mining.yaml", Self.broken)
        guard case .failed(let failure) = registry.reload() else {
            Issue.record("a broken mapping file was applied")
            return
        }
        #expect(failure.problems.contains { $0.contains("systems/zj-mining.yaml:34") && $0.contains("titel") }, "\(failure.problems)")
        #expect(registry.current.version == before.version)
        #expect(registry.lastFailure == failure)

        try await harness.live { client in
            let ready = try GatewayTestHarness.json(try await client.execute(uri: "/ready", method: .get).body)
            #expect(ready["status"] as? String == "ready" && ready["mappingsVersion"] as? String == before.version)
            let reload = try #require(ready["mappingsReload"] as? [String: Any])
            #expect(reload["status"] as? String == "failed")
            #expect((reload["detail"] as? [String])?.contains { $0.contains("systems/zj-mining.yaml:34") } == true)

            let login = try await ConsoleLogin.signIn(client)
            let dashboard = String(buffer: try await client.execute(uri: "/console", method: .get, headers: login.headers).body)
            #expect(dashboard.contains("id=\"mapping-reload-error\"") && dashboard.contains("systems/zj-mining.yaml:34"))

            let receipt = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml")
            #expect(receipt["mappingVersion"] as? String == beforeHash)
        }

        try mappings.edit("systems/zj-mining.yaml") { Self.titleFromProjectName($0.replacingOccurrences(of: "titel:", with: "title:")) }
        guard case .applied(let previous, let version) = registry.reload() else {
            Issue.record("a sound mapping file was not applied: \(String(describing: registry.lastFailure))")
            return
        }
        #expect(previous == before.version && version == registry.current.version && version != before.version)
        #expect(registry.lastFailure == nil)
        let afterHash = try #require(registry.current.mappings["zj-mining"]?.fileHash)
        #expect(afterHash != beforeHash)
        #expect(registry.reload() == .unchanged(version: version))

        try await harness.live { client in
            let ready = try GatewayTestHarness.json(try await client.execute(uri: "/ready", method: .get).body)
            #expect((ready["mappingsReload"] as? [String: Any])?["status"] as? String == "ok")
            #expect(ready["mappingsVersion"] as? String == version)
            let receipt = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml", edit: Self.newBatchNumber)
            #expect(receipt["mappingVersion"] as? String == afterHash)
            let recordId = try #require(
                (receipt["accepted"] as? [[String: Any]])?.first { $0["sourceRecordId"] as? String == "MR-2024-0112" }?["recordId"] as? String)
            let history = try await harness.store.recordHistory(recordId: recordId)
            #expect(history.map(\.provenance.mappingVersion) == [beforeHash, afterHash])
            #expect(history.last?.record.title == "湖州市长兴县某建筑用石料（凝灰岩）矿采矿权")
        }
    }

    @Test("a batch in flight during a reload is mapped to its end with the mapping it started with")
    func batchInFlight() async throws {
        let mappings = try EditableMappings()
        defer { mappings.remove() }
        let harness = try await GatewayTestHarness { $0.mappingsDirectory = mappings.directory.path }
        defer { harness.remove() }
        let registry = harness.application.mappings
        let beforeHash = try #require(registry.current.mappings["zj-mining"]?.fileHash)
        var logger = Logger(label: "reload-test")
        logger.logLevel = .error
        let ingestor = BatchIngestor(store: harness.store, mappings: registry, configuration: harness.configuration, logger: logger)
        let source = try #require(harness.configuration.sources.first { $0.id == "zj-mining" })
        let sample = try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml")
        let half = sample.readableBytes / 2
        let (body, writer) = AsyncStream<ByteBuffer>.makeStream()
        writer.yield(sample.getSlice(at: 0, length: half)!)
        let spool = URL(fileURLWithPath: harness.configuration.dataDirectory).appendingPathComponent("spool")
        let ingest = Task { await ingestor.ingest(source: source, body: body, gzip: false, language: .english) }
        // The spool file exists once the ingest has taken its mapping set and started reading the body.
        for _ in 0..<500 where ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }

        try mappings.edit("systems/zj-mining.yaml", Self.titleFromProjectName)
        guard case .applied = registry.reload() else {
            Issue.record("the edit was not applied")
            return
        }
        writer.yield(sample.getSlice(at: half, length: sample.readableBytes - half)!)
        writer.finish()
        let response = await ingest.value
        #expect(response.status == 201)
        let receipt = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect(receipt["mappingVersion"] as? String == beforeHash)
        let accepted = try #require(receipt["accepted"] as? [[String: Any]])
        let recordId = try #require(accepted.first { $0["sourceRecordId"] as? String == "MR-2024-0112" }?["recordId"] as? String)
        let stored = try #require(try await harness.store.recordHistory(recordId: recordId).last)
        #expect(stored.provenance.mappingVersion == beforeHash)
        #expect(stored.record.title == "长兴县某建筑用石料矿采矿权挂牌出让公告")

        // The next batch maps with the new files.
        let next = await ingestor.ingest(
            source: source,
            body: AsyncStream { continuation in
                continuation.yield(ByteBuffer(string: Self.newBatchNumber(String(buffer: sample))))
                continuation.finish()
            }, gzip: false, language: .english)
        let nextReceipt = try #require(try JSONSerialization.jsonObject(with: next.body) as? [String: Any])
        #expect(nextReceipt["mappingVersion"] as? String == registry.current.mappings["zj-mining"]?.fileHash)
        #expect(nextReceipt["mappingVersion"] as? String != beforeHash)
    }

    @Test("a set without the mapping a configured source uses is refused")
    func requiredSystemRemoved() async throws {
        let mappings = try EditableMappings()
        defer { mappings.remove() }
        let harness = try await GatewayTestHarness { $0.mappingsDirectory = mappings.directory.path }
        defer { harness.remove() }
        try FileManager.default.removeItem(at: mappings.file("systems/nb-gpp.yaml"))
        guard case .failed(let failure) = harness.application.mappings.reload() else {
            Issue.record("a set without nb-gpp replaced the one in use")
            return
        }
        #expect(failure.problems.contains { $0.contains("nb-gpp") })
        #expect(harness.application.mappings.current.mappings["nb-gpp"] != nil)
    }

    @Test("the reload service sees changed files: a broken edit is reported and not applied, a sound one is")
    func polling() async throws {
        let mappings = try EditableMappings()
        defer { mappings.remove() }
        let harness = try await GatewayTestHarness { $0.mappingsDirectory = mappings.directory.path }
        defer { harness.remove() }
        let registry = harness.application.mappings
        let before = registry.current.version
        var logger = Logger(label: "reload-service-test")
        logger.logLevel = .critical
        let service = MappingReloadService(registry: registry, pollInterval: .milliseconds(50), reloadOnSIGHUP: false, logger: logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }

        try mappings.edit("systems/zj-mining.yaml", Self.broken)
        for _ in 0..<600 where registry.lastFailure == nil { try await Task.sleep(for: .milliseconds(25)) }
        #expect(registry.lastFailure?.problems.contains { $0.contains("systems/zj-mining.yaml") } == true)
        #expect(registry.current.version == before)

        try mappings.edit("systems/zj-mining.yaml") { Self.titleFromProjectName($0.replacingOccurrences(of: "titel:", with: "title:")) }
        for _ in 0..<600 where registry.current.version == before { try await Task.sleep(for: .milliseconds(25)) }
        #expect(registry.current.version != before)
        #expect(registry.lastFailure == nil)
    }
}
