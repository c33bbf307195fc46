import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

@Suite("translate: records, rejections, trace, malformed input")
struct TranslationTests {
    @Test("a rejected record lists all its problems, each with field, rule, value and a Chinese message by default")
    func rejectionListsEverything() throws {
        let lines = try ProjectFiles.translate("hz-housing", ["batch-20241008-001.xml"], receivedAt: "2024-10-08T09:35:00+08:00")
        let rejections = lines.compactMap { if case .rejection(let rejection) = $0 { rejection } else { nil } }
        #expect(rejections.map(\.sourceRecordId) == ["FP-2024-0399", "FP-2024-0400"])
        let problems = try #require(rejections.last).problems
        #expect(problems.map(\.field) == ["formedOn", "responsible.uscc"])
        #expect(problems[0].value == "2024-13-01")
        #expect(problems[1].rule == "uscc.checkDigit")
        #expect(problems[0].message(.chinese).contains("日期"))
        #expect(problems[0].message(.english).contains("not a valid date"))
        let json = TranslationLine.rejection(try #require(rejections.last)).jsonLine(language: .chinese)
        #expect(json.contains("\"rule\":\"uscc.checkDigit\"") && json.contains("\"line\":65"))
    }

    @Test("a record without its responsible body is rejected for that alone; the record beside it maps")
    func missingResponsible() throws {
        let sample = try String(contentsOfFile: ProjectFiles.sample("nb-gpp", "NBZC-2024-1120-01.xml"), encoding: .utf8)
        let start = try #require(sample.range(of: "<采购人>"))
        let end = try #require(sample.range(of: "</采购人>", range: start.upperBound..<sample.endIndex))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("no-responsible-\(UUID().uuidString).xml")
        try sample.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let session = TranslationSession(mappings: try ProjectFiles.loadMappings())
        var lines: [TranslationLine] = []
        _ = try session.translate(file: file.path, source: "nb-gpp", receivedAt: "2024-11-22T10:00:00+08:00") { lines.append($0) }
        let rejection = try #require(
            lines.compactMap { if case .rejection(let rejection) = $0 { rejection } else { nil } }.first { $0.sourceRecordId == "NBCG-2024-08812-JG" })
        #expect(rejection.problems.map(\.field) == ["responsible"])
        #expect(rejection.problems.first?.rule == "required")
        // The record beside it, with its 采购人, is unaffected.
        let hubs = lines.compactMap { if case .hub(let hub, _) = $0 { hub } else { nil } }
        let next = try #require(hubs.first { $0.source.recordId == "NBCG-2024-09001-GK" })
        #expect(next.responsible.role == "采购人")
    }

    @Test("the trace names the mapping rule (file:line:column) and the source path of each field")
    func trace() throws {
        let lines = try ProjectFiles.translate("wz-bidding", ["WZJY-20241125-07.xml"], receivedAt: "2024-11-25T14:35:00+08:00", trace: true)
        guard case .hub(let hub, let trace?) = lines.first else {
            Issue.record("no traced hub record first")
            return
        }
        #expect(hub.source.recordId == "HX-2024-0871-001")
        let owner = try #require(trace.first { $0.field == "responsible.name" })
        #expect(owner.source == "ancestor::TenderProject/Owner/@name")
        #expect(owner.rule.hasPrefix("systems/wz-bidding.yaml:"))
        #expect(owner.at == "13:7")
        let idNumber = try #require(trace.first { $0.field.hasSuffix(".idNumber") })
        #expect(idNumber.source == "IdNumber")
    }

    @Test("a withdrawal of a record never accepted is rejected, not invented")
    func withdrawOfUnknownRecord() throws {
        let lines = try ProjectFiles.translate("nb-gpp", ["NBZC-2024-1122-01.xml"], receivedAt: "2024-11-22T10:15:00+08:00")
        let rejection = try #require(lines.compactMap { if case .rejection(let r) = $0 { r } else { nil } }.first)
        #expect(rejection.sourceRecordId == "NBCG-2024-09001-GK")
        #expect(rejection.problems.map(\.rule) == ["withdraw_unknown"])
    }

    @Test("the same batch again is unchanged: no new versions")
    func resendIsUnchanged() throws {
        let file = "batch-LT20241105A.xml"
        let lines = try ProjectFiles.translate("zj-land", [file, file], receivedAt: "2024-11-05T16:05:00+08:00")
        let unchanged = lines.filter { if case .unchanged = $0 { true } else { false } }
        #expect(unchanged.count == 4)
        let hubVersions = lines.compactMap { if case .hub(let hub, _) = $0 { hub.version } else { nil } }
        #expect(hubVersions == [1, 1, 1, 1])
    }

    @Test("chunk boundaries do not change the output")
    func chunking() throws {
        let set = try ProjectFiles.loadMappings()
        let mapper = try #require(set.mapper(for: "hz-housing"))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: ProjectFiles.sample("hz-housing", "batch-20241008-001.xml"))))
        func run(chunk: Int) throws -> [String] {
            let context = TranslationContext(
                sourceSystem: "hz-housing", batchId: "", receivedAt: "2024-10-08T09:35:00+08:00", receivedOn: LocalDate(iso: "2024-10-08")!)
            let translator = BatchTranslator(mapper: mapper, context: context)
            var outcomes: [RecordOutcome] = []
            var offset = 0
            while offset < bytes.count {
                outcomes += try translator.feed(bytes[offset..<min(offset + chunk, bytes.count)])
                offset += chunk
            }
            outcomes += try translator.finish()
            #expect(translator.batchInfo.number == "HZZB-20241008-001")
            return outcomes.map { outcome in
                switch outcome {
                case .mapped(let record): record.contentHash
                case .rejected(let rejection): rejection.sourceRecordId ?? "?"
                }
            }
        }
        let whole = try run(chunk: bytes.count)
        #expect(whole.count == 5)
        #expect(try run(chunk: 1) == whole)
        #expect(try run(chunk: 7) == whole)
    }

    @Test("malformed XML stops the file with line and column")
    func malformedXML() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("translate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.xml")
        try Data("<BATCH>\n  <BODY>\n    <ROW><JLBH>1</JLBH></ROW\n</BATCH>".utf8).write(to: file)
        let session = TranslationSession(mappings: try ProjectFiles.loadMappings())
        do {
            _ = try session.translate(file: file.path, source: "hz-housing", receivedAt: "2024-10-08T09:35:00+08:00") { _ in }
            Issue.record("malformed XML was accepted")
        } catch {
            guard case .xml(_, let xmlError) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(xmlError.position?.line == 4)
            #expect(error.description.contains("bad.xml:4:"))
        }
    }

    @Test("a file that cannot be opened is refused with the C library's reason, in Chinese by default")
    func unopenableFile() throws {
        let session = TranslationSession(mappings: try ProjectFiles.loadMappings())
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).xml").path
        let directory = FileManager.default.temporaryDirectory.path
        for (path, reason) in [(missing, "No such file or directory"), (directory, "Is a directory")] {
            do {
                _ = try session.translate(file: path, source: "nb-gpp", receivedAt: "2024-11-22T10:00:00+08:00") { _ in }
                Issue.record("\(path) was read")
            } catch {
                guard case .unreadable(let file, let opening, let actual) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(file == path)
                #expect(opening)
                #expect(actual == reason)
                #expect(error.message(in: .chinese) == "\(path)：无法打开文件（\(reason)）")
                #expect(error.message(in: .english) == "\(path): cannot open the file (\(reason))")
            }
        }
    }

    @Test("a batch several reads long comes out whole and in order")
    func severalReadsLong() throws {
        // Copies of a sample's records, each copy's record numbers made its own, past several reads (64 KiB each).
        let sample = try String(contentsOfFile: ProjectFiles.sample("nb-gpp", "NBZC-2024-1120-01.xml"), encoding: .utf8)
        let open = try #require(sample.range(of: "<公告")), close = try #require(sample.range(of: "</公告>", options: .backwards))
        let body = String(sample[open.lowerBound..<close.upperBound])
        let copies = 1 + 800 * 1024 / body.utf8.count
        var large = String(sample[..<open.lowerBound])
        for copy in 0..<copies { large += body.replacingOccurrences(of: "<公告编号>", with: "<公告编号>C\(copy)-") + "\n  " }
        large += sample[close.upperBound...]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("translate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("large.xml")
        try Data(large.utf8).write(to: file)
        #expect(large.utf8.count > 10 * 64 * 1024)

        func sourceIds(_ path: String) throws -> [String] {
            let session = TranslationSession(mappings: try ProjectFiles.loadMappings())
            session.tracksVersions = false
            var ids: [String] = []
            _ = try session.translate(file: path, source: "nb-gpp", receivedAt: "2024-11-22T10:00:00+08:00") { line in
                switch line {
                case .hub(let record, _): ids.append(record.source.recordId)
                case .credit(let record, _): ids.append(record.source.recordId)
                case .rejection(let rejection): ids.append(rejection.sourceRecordId ?? "?")
                case .unchanged(let sourceRecordId, _, _): ids.append(sourceRecordId)
                }
            }
            return ids
        }
        let once = try sourceIds(ProjectFiles.sample("nb-gpp", "NBZC-2024-1120-01.xml"))
        #expect(!once.isEmpty)
        let expected = (0..<copies).flatMap { copy in once.map { "C\(copy)-\($0)" } }
        #expect(try sourceIds(file.path) == expected)
    }

    @Test("the CLI exits 65 with file:line:column for malformed XML and 0 with JSON lines otherwise")
    func commandLine() throws {
        let binary = ProjectFiles.root.appendingPathComponent(".build/debug/credit-gateway")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (scripts/test does)")
        func run(_ arguments: [String]) throws -> (Int32, String, String) {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
        let good = try run([
            "translate", "--source", "zj-mining", "--mappings", ProjectFiles.mappings, "--received-at", "2024-11-12T10:00:00+08:00",
            ProjectFiles.sample("zj-mining", "push-20241112-0001.xml"),
        ])
        #expect(good.0 == 0)
        let lines = good.1.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.last?.hasPrefix("{\"rejection\":") == true)
        #expect(lines.last?.contains("行政区划代码") == true)
        for threads in ["0", "1", "3"] {
            let same = try run([
                "translate", "--mapping-threads", threads, "--source", "zj-mining", "--mappings", ProjectFiles.mappings,
                "--received-at", "2024-11-12T10:00:00+08:00", ProjectFiles.sample("zj-mining", "push-20241112-0001.xml"),
            ])
            #expect(same.0 == 0)
            #expect(same.1 == good.1, "--mapping-threads \(threads)")
        }
        let negative = try run(["translate", "--mapping-threads", "-1", "--source", "zj-mining", ProjectFiles.sample("zj-mining", "push-20241112-0001.xml")])
        #expect(negative.0 == 64)
        #expect(negative.2.contains("--mapping-threads"))

        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).xml")
        try Data("{\"json\": true}".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let refused = try run(["translate", "--source", "zj-mining", "--mappings", ProjectFiles.mappings, bad.path])
        #expect(refused.0 == 65)
        #expect(refused.2.hasPrefix("\(bad.path):1:"))

        let missing = bad.path + ".missing"
        let unopenable = try run(["translate", "--source", "zj-mining", "--mappings", ProjectFiles.mappings, missing])
        #expect(unopenable.0 == 66)
        #expect(unopenable.2.contains("\(missing)：无法打开文件（No such file or directory）"))
        let unopenableInEnglish = try run(["translate", "--source", "zj-mining", "--mappings", ProjectFiles.mappings, "--lang", "en", missing])
        #expect(unopenableInEnglish.0 == 66)
        #expect(unopenableInEnglish.2.contains("\(missing): cannot open the file (No such file or directory)"))
        let unknown = try run(["translate", "--source", "nowhere", "--mappings", ProjectFiles.mappings, bad.path])
        #expect(unknown.0 == 64)
        #expect(unknown.2.contains("没有来源系统“nowhere”的映射文件"))

        let check = try run(["mappings", "check", ProjectFiles.mappings, "--lang", "en"])
        #expect(check.0 == 0)
        #expect(check.1.contains("OK: 6 mappings"))
    }
}

@Suite("translate's JSON text, written from the outcomes")
struct TranslationJSONTextTests {
    @Test(
        "the JSON text written on the mapping threads is the lines of translating record by record, rejections, credits and traces included",
        arguments: [
            ("hz-housing", "batch-20241008-001.xml", "2024-10-08T09:35:00+08:00"), ("nb-gpp", "NBZC-2024-1120-01.xml", "2024-11-22T10:00:00+08:00"),
            ("nb-gpp", "NBZC-2024-1122-01.xml", "2024-11-22T10:00:00+08:00"), ("wz-bidding", "WZJY-20241125-07.xml", "2024-11-25T14:35:00+08:00"),
        ])
    func sameAsLines(system: String, file: String, receivedAt: String) throws {
        let mappings = try ProjectFiles.loadMappings()
        for trace in [false, true] {
            for language in [MessageLanguage.chinese, .english] {
                // Without version tracking, as `translate` runs: every record as mapped.
                let reference = TranslationSession(mappings: mappings)
                reference.tracksVersions = false
                var lines: [TranslationLine] = []
                _ = try reference.translate(file: ProjectFiles.sample(system, file), source: system, receivedAt: receivedAt, trace: trace) {
                    lines.append($0)
                }
                let expected = lines.map { $0.jsonLine(language: language) + "\n" }.joined()
                for threads in [0, 2] {
                    let session = TranslationSession(mappings: mappings)
                    session.tracksVersions = false
                    session.mappingThreads = threads
                    var text: [UInt8] = []
                    _ = try session.translateJSONLines(
                        file: ProjectFiles.sample(system, file), source: system, receivedAt: receivedAt, trace: trace, language: language
                    ) { text += $0 }
                    #expect(String(decoding: text, as: UTF8.self) == expected, "\(file) trace: \(trace) threads: \(threads)")
                }
                #expect(lines.contains { if case .hub = $0 { true } else { false } })
            }
        }
    }
}
