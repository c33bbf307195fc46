import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

/// Records mapped on worker threads must come out exactly as when mapped one by one: same outcomes, same
/// order, and, when the XML breaks off, everything read before the break.
@Suite("mapping on worker threads keeps document order and loses nothing")
struct MappingPipelineTests {
    /// An nb-gpp batch of `count` copies of the sample's notices (each with its own id), optionally cut off
    /// by malformed XML after them.
    static func batch(copies count: Int, malformedTail: Bool = false) throws -> [UInt8] {
        let sample = try String(contentsOfFile: ProjectFiles.sample("nb-gpp", "NBZC-2024-1120-01.xml"), encoding: .utf8)
        let bodyStart = try #require(sample.range(of: "<公告"))
        let bodyEnd = try #require(sample.range(of: "</采购信息批次>", options: .backwards))
        let header = String(sample[..<bodyStart.lowerBound])
        let notices = String(sample[bodyStart.lowerBound..<bodyEnd.lowerBound])
        var document = header
        for copy in 0..<count {
            document += notices.replacingOccurrences(of: "<公告编号>", with: "<公告编号>C\(copy)-")
        }
        document += malformedTail ? "<公告><公告编号>broken</公告>" : "</采购信息批次>\n"
        return Array(document.utf8)
    }

    /// A translator of nb-gpp batches mapping on `threads` workers.
    static func translator(threads: Int) throws -> BatchTranslator {
        let mappings = try ProjectFiles.loadMappings()
        let mapper = try #require(mappings.mapper(for: "nb-gpp"))
        let context = TranslationContext(
            sourceSystem: "nb-gpp", batchId: "", receivedAt: "2024-11-22T10:00:00+08:00", receivedOn: LocalDate(year: 2024, month: 11, day: 22)!)
        let translator = BatchTranslator(mapper: mapper, context: context)
        translator.mappingThreads = threads
        return translator
    }

    /// Outcomes as the JSON lines `translate` prints, to compare runs.
    static func jsonLines(_ outcomes: [RecordOutcome]) -> [String] {
        outcomes.map { outcome -> String in
            switch outcome {
            case .mapped(let record): TranslationLine.hub(record.hub, trace: record.trace).jsonLine(language: .english)
            case .rejected(let rejection): TranslationLine.rejection(rejection).jsonLine(language: .english)
            }
        }
    }

    /// Feeds `bytes` in chunks of `chunk` bytes, then finishes; after an XML error, drains and returns the error.
    static func drive(
        _ bytes: [UInt8], chunk: Int, feed: (ArraySlice<UInt8>) throws(XMLStreamError) -> Void, finish: () throws(XMLStreamError) -> Void,
        drain: () -> Void
    ) -> XMLStreamError? {
        do throws(XMLStreamError) {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                try feed(bytes[offset..<end])
                offset = end
            }
            try finish()
            return nil
        } catch {
            drain()
            return error
        }
    }

    /// Every outcome as a JSON line, feeding `bytes` in chunks of `chunk` bytes.
    static func lines(_ bytes: [UInt8], threads: Int, chunk: Int = 8192) throws -> (lines: [String], error: XMLStreamError?) {
        let translator = try Self.translator(threads: threads)
        var outcomes: [RecordOutcome] = []
        let failure = drive(
            bytes, chunk: chunk, feed: { chunk throws(XMLStreamError) in outcomes += try translator.feed(chunk) },
            finish: { () throws(XMLStreamError) in outcomes += try translator.finish() }, drain: { outcomes += translator.drainPending() })
        return (jsonLines(outcomes), failure)
    }

    @Test("two and three workers give the outcomes of mapping one by one, in the same order")
    func sameOutcomesSameOrder() throws {
        let bytes = try Self.batch(copies: 120)
        let sequential = try Self.lines(bytes, threads: 0)
        #expect(sequential.error == nil)
        #expect(sequential.lines.count >= 120 * 3)
        #expect(Set(sequential.lines).count == sequential.lines.count)
        for threads in [1, 2, 3] {
            let parallel = try Self.lines(bytes, threads: threads)
            #expect(parallel.error == nil)
            #expect(parallel.lines == sequential.lines, "threads: \(threads)")
        }
        // Small chunks: many groups in flight at once.
        #expect(try Self.lines(bytes, threads: 2, chunk: 512).lines == sequential.lines)
    }

    /// The gateway's way: `feed` never blocks, the backlog is awaited between chunks, the end awaited too.
    static func awaitedLines(_ bytes: [UInt8], threads: Int, chunk: Int) async throws -> [String] {
        let translator = try Self.translator(threads: threads)
        translator.mayBlock = false
        var outcomes: [RecordOutcome] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            outcomes += try translator.feed(bytes[offset..<end])
            outcomes += await translator.awaitBacklog()
            offset = end
        }
        outcomes += try await translator.finishAwaitingWorkers()
        return jsonLines(outcomes)
    }

    @Test("awaiting the workers instead of blocking gives the same outcomes in the same order")
    func awaitedSameOutcomes() async throws {
        let bytes = try Self.batch(copies: 60)
        let sequential = try Self.lines(bytes, threads: 0)
        #expect(sequential.lines.count >= 60 * 3)
        for (threads, chunk) in [(0, 4096), (1, 4096), (2, 512), (3, 65536)] {
            #expect(try await Self.awaitedLines(bytes, threads: threads, chunk: chunk) == sequential.lines, "threads: \(threads)")
        }
    }

    @Test("after malformed XML, what was read before it is still handed out")
    func errorKeepsEarlierRecords() throws {
        let bytes = try Self.batch(copies: 80, malformedTail: true)
        let sequential = try Self.lines(bytes, threads: 0)
        let parallel = try Self.lines(bytes, threads: 2)
        #expect(sequential.error != nil)
        #expect(parallel.error?.code == sequential.error?.code)
        #expect(parallel.error?.position == sequential.error?.position)
        #expect(sequential.lines.count > 100)
        #expect(parallel.lines == sequential.lines)
    }
    /// The bytes a renderer makes on the workers, fed in chunks of `chunk` bytes; after an XML error, those of
    /// the groups still in flight.
    static func renderedText(_ bytes: [UInt8], threads: Int, chunk: Int) throws -> (text: String, error: XMLStreamError?) {
        let translator = try Self.translator(threads: threads)
        translator.renderer = { outcome, writer in writer.raw(Array(Self.jsonLines([outcome]).map { $0 + "\n" }.joined().utf8)) }
        var output: [UInt8] = []
        let failure = drive(
            bytes, chunk: chunk, feed: { chunk throws(XMLStreamError) in output += try translator.feedRendering(chunk) },
            finish: { () throws(XMLStreamError) in output += try translator.finishRendering() },
            drain: { output += translator.drainPendingRendering() })
        return (String(decoding: output, as: UTF8.self), failure)
    }

    @Test("rendering on the workers gives the lines of mapping one by one, also after malformed XML")
    func renderedOnWorkers() throws {
        for malformed in [false, true] {
            let bytes = try Self.batch(copies: 80, malformedTail: malformed)
            let sequential = try Self.lines(bytes, threads: 0)
            let expected = sequential.lines.map { $0 + "\n" }.joined()
            #expect(sequential.lines.count > 100)
            for (threads, chunk) in [(0, 4096), (1, 4096), (2, 512), (3, 65536)] {
                let rendered = try Self.renderedText(bytes, threads: threads, chunk: chunk)
                #expect(rendered.text == expected, "threads: \(threads), malformed: \(malformed)")
                #expect(rendered.error?.code == sequential.error?.code)
                #expect(rendered.error?.position == sequential.error?.position)
            }
        }
    }
}
