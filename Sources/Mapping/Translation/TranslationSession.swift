import ExchangeStandard
import Foundation
import XMLStream

/// Translates files one after the other the way the gateway would accept them, keeping versions in
/// memory: a second batch that changes a record makes version 2 (`correct`), as the store would.
///
/// What `credit-gateway translate` and `mappings test` run; the server uses the store's versioning instead.
public final class TranslationSession {
    public let mappings: MappingSet
    public var limits = XMLStreamLimits()
    /// Whether to version records against the earlier files of this session. Tracking costs about 200 bytes per
    /// record, so `translate` of a single file turns it off to keep memory flat whatever the batch size; every
    /// record then prints as version 1 (the gateway itself versions against its store).
    public var tracksVersions = true
    /// Threads mapping records while the file is parsed, when versions are not tracked; 0 maps as records
    /// complete, on the calling thread. Defaults to one per core, up to four.
    public var mappingThreads = TranslationSession.defaultMappingThreads
    /// What was accepted so far, per record id, in fixed-size form: a run over a large batch keeps about
    /// 40 bytes per record here instead of two strings (make bench measured 350 bytes per record before).
    private var latest: [CompactKey: CompactLatest] = [:]

    /// Gateway ids are a letter and 24 hex digits (`RecordIdentity`): they fit in 13 bytes.
    struct CompactKey: Hashable {
        var kind: UInt8
        var high: UInt64
        var low: UInt32

        init(_ id: String) {
            let utf8 = Array(id.utf8)
            kind = utf8.first ?? 0
            let hex = String(decoding: utf8.dropFirst(), as: UTF8.self)
            if hex.count == 24, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt32(hex.suffix(8), radix: 16) {
                self.high = high
                self.low = low
            } else {
                // Not a gateway id (never produced by RecordIdentity): fall back to a 64-bit hash of the text.
                var hasher = Hasher()
                hasher.combine(id)
                self.high = UInt64(bitPattern: Int64(hasher.finalize()))
                self.low = UInt32(truncatingIfNeeded: id.utf8.count)
            }
        }
    }

    struct CompactLatest {
        var version: Int32
        /// The first 64 bits of the content hash: enough to tell "same content" within one run.
        var hashPrefix: UInt64
        var withdrawn: Bool
    }

    private func latestVersion(_ id: String, contentHash: String) -> RecordVersioning.Latest? {
        guard let compact = latest[CompactKey(id)] else { return nil }
        let same = UInt64(contentHash.prefix(16), radix: 16) == compact.hashPrefix
        return RecordVersioning.Latest(version: Int(compact.version), contentHash: same ? contentHash : "", withdrawn: compact.withdrawn)
    }

    private func remember(_ id: String, version: Int, contentHash: String, withdrawn: Bool) {
        latest[CompactKey(id)] = CompactLatest(
            version: Int32(version), hashPrefix: UInt64(contentHash.prefix(16), radix: 16) ?? 0, withdrawn: withdrawn)
    }

    public init(mappings: MappingSet) {
        self.mappings = mappings
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownSource(String, known: [String])
        /// The file could not be opened (`opening`) or failed while being read; `reason` is the C library's.
        case unreadable(String, opening: Bool, reason: String)
        case xml(file: String, XMLStreamError)

        public var description: String { message(in: .english) }

        /// The message for the console: Chinese by default, English on request (XML errors carry their own
        /// wording, and the command prefixes the Chinese name of their kind).
        public func message(in language: MessageLanguage) -> String {
            switch (self, language) {
            case (.unknownSource(let source, let known), .english):
                "no mapping for source system '\(source)' (known: \(known.joined(separator: ", ")))"
            case (.unknownSource(let source, let known), .chinese):
                "没有来源系统“\(source)”的映射文件（已有：\(known.joined(separator: "、"))）"
            case (.unreadable(let file, let opening, let reason), .english):
                "\(file): cannot \(opening ? "open" : "read") the file (\(reason))"
            case (.unreadable(let file, let opening, let reason), .chinese):
                "\(file)：无法\(opening ? "打开" : "读取")文件（\(reason)）"
            case (.xml(let file, let error), _):
                "\(file):\(error.position?.line ?? 0):\(error.position?.column ?? 0): \(error.message) [\(error.code)]"
            }
        }
    }

    /// Streams the file in chunks and hands each output line to `emit` as soon as its record is complete.
    public func translate(
        file path: String, source: String, receivedAt: String, trace: Bool = false, emit: (TranslationLine) -> Void
    ) throws(Failure) -> BatchInfo {
        let translator = try makeTranslator(source: source, receivedAt: receivedAt, trace: trace)
        if !tracksVersions {
            // Versions need outcomes one by one in order; without them records map on the other cores.
            translator.mappingThreads = mappingThreads
        }
        return try stream(
            file: path, translator: translator,
            feed: { chunk throws(XMLStreamError) in
                for outcome in try translator.feed(chunk) { lines(for: outcome, trace: trace).forEach(emit) }
            },
            finish: { () throws(XMLStreamError) in
                for outcome in try translator.finish() { lines(for: outcome, trace: trace).forEach(emit) }
            },
            drain: {
                for outcome in translator.drainPending() { lines(for: outcome, trace: trace).forEach(emit) }
            })
    }

    /// ``translate(file:source:receivedAt:trace:emit:)`` as JSON text: hands `write` the lines (each ending in a
    /// newline) as they are ready, rejection messages in `language`. Without version tracking the lines are
    /// written on the mapping threads, beside the records they come from.
    public func translateJSONLines(
        file path: String, source: String, receivedAt: String, trace: Bool = false, language: MessageLanguage,
        write: ([UInt8]) -> Void
    ) throws(Failure) -> BatchInfo {
        guard !tracksVersions else {
            return try translate(file: path, source: source, receivedAt: receivedAt, trace: trace) { line in
                write(Self.jsonText(of: [line], language: language))
            }
        }
        let translator = try makeTranslator(source: source, receivedAt: receivedAt, trace: trace)
        translator.mappingThreads = mappingThreads
        translator.renderer = { outcome, writer in outcome.writeUnversionedLines(to: &writer, trace: trace, language: language) }
        return try stream(
            file: path, translator: translator,
            feed: { chunk throws(XMLStreamError) in write(try translator.feedRendering(chunk)) },
            finish: { () throws(XMLStreamError) in write(try translator.finishRendering()) },
            drain: { write(translator.drainPendingRendering()) })
    }

    private func makeTranslator(source: String, receivedAt: String, trace: Bool) throws(Failure) -> BatchTranslator {
        guard let mapper = mappings.mapper(for: source) else {
            throw .unknownSource(source, known: mappings.mappings.keys.sorted())
        }
        let context = TranslationContext(
            sourceSystem: source, batchId: "", receivedAt: receivedAt,
            receivedOn: Self.beijingDay(of: receivedAt) ?? LocalDate(year: 1970, month: 1, day: 1)!)
        let translator = BatchTranslator(mapper: mapper, context: context, limits: limits)
        translator.collectsTrace = trace
        return translator
    }

    /// Reads the file in chunks into `feed`, then `finish`; after an XML error, `drain` hands out what was read
    /// before it (as when records are mapped one by one) and the error is thrown.
    private func stream(
        file path: String, translator: BatchTranslator, feed: (UnsafeBufferPointer<UInt8>) throws(XMLStreamError) -> Void,
        finish: () throws(XMLStreamError) -> Void, drain: () -> Void
    ) throws(Failure) -> BatchInfo {
        let reader: FileChunkReader
        do throws(FileChunkReader.Failure) {
            reader = try FileChunkReader(path: path)
        } catch {
            throw .unreadable(path, opening: true, reason: error.reason)
        }
        do throws(FileChunkReader.ChunkError<XMLStreamError>) {
            try reader.forEachChunk(feed)
            do throws(XMLStreamError) { try finish() } catch { throw .body(error) }
        } catch {
            drain()
            switch error {
            case .read(let failure): throw .unreadable(path, opening: false, reason: failure.reason)
            case .body(let error): throw .xml(file: path, error)
            }
        }
        return translator.batchInfo
    }

    /// JSON lines, each ending in a newline.
    static func jsonText(of lines: [TranslationLine], language: MessageLanguage) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: 2048 * max(lines.count, 1))
        for line in lines {
            line.write(to: &writer, language: language)
            writer.raw(CollectionOfOne(UInt8(ascii: "\n")))
        }
        return writer.bytes
    }

    /// Mapping threads beside the parsing one: one per core (the parsing thread mostly waits on them), none on
    /// a single core, at most four (past that, parsing on one thread is the bottleneck).
    public static var defaultMappingThreads: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores > 1 ? min(cores, 4) : 0
    }

    /// The calendar day in China of an RFC 3339 timestamp.
    public static func beijingDay(of timestamp: String) -> LocalDate? {
        DatePattern("rfc3339")?.parse(timestamp)
    }

    /// The lines of an outcome when versions are not tracked: every record as it was mapped (version 1).
    static func unversionedLines(for outcome: RecordOutcome, trace: Bool) -> [TranslationLine] {
        switch outcome {
        case .rejected(let rejection):
            return [.rejection(rejection)]
        case .mapped(let record):
            return [.hub(record.hub, trace: trace ? record.trace : nil)]
                + record.credits.map { .credit($0.record, publishOnCreditZhejiang: $0.publishOnCreditZhejiang) }
        }
    }

    private func lines(for outcome: RecordOutcome, trace: Bool) -> [TranslationLine] {
        guard tracksVersions else { return Self.unversionedLines(for: outcome, trace: trace) }
        switch outcome {
        case .rejected(let rejection):
            return [.rejection(rejection)]
        case .mapped(let record):
            let withdraw = record.sourceAction == .withdraw
            var hub = record.hub
            let contentHash = record.contentHash
            switch RecordVersioning.decide(
                latest: latestVersion(hub.recordId, contentHash: contentHash), contentHash: contentHash, withdraw: withdraw)
            {
            case .withdrawUnknown:
                return [
                    .rejection(
                        RecordRejection(
                            sourceRecordId: record.sourceRecordId, recordSpec: record.recordSpec, line: record.line, column: record.column,
                            problems: [ProblemMessages.withdrawUnknown("action", value: record.sourceRecordId)]))
                ]
            case .unchanged(let version):
                return [.unchanged(sourceRecordId: record.sourceRecordId, recordId: hub.recordId, version: version)]
            case .newVersion(let version, let action):
                hub.version = version
                hub.action = action
                remember(hub.recordId, version: version, contentHash: contentHash, withdrawn: action == .withdraw)
            }
            var lines: [TranslationLine] = [.hub(hub, trace: trace ? record.trace : nil)]
            for credit in record.credits {
                var creditRecord = credit.record
                let creditHash = credit.contentHash
                let decision = RecordVersioning.decide(
                    latest: latestVersion(creditRecord.creditRecordId, contentHash: creditHash), contentHash: creditHash, withdraw: withdraw)
                guard case .newVersion(let version, let action) = decision else { continue }
                creditRecord.version = version
                creditRecord.action = action
                remember(creditRecord.creditRecordId, version: version, contentHash: creditHash, withdrawn: action == .withdraw)
                lines.append(.credit(creditRecord, publishOnCreditZhejiang: credit.publishOnCreditZhejiang))
            }
            return lines
        }
    }
}
