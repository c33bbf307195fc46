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
    private var latest: [String: RecordVersioning.Latest] = [:]

    public init(mappings: MappingSet) {
        self.mappings = mappings
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownSource(String, known: [String])
        case unreadable(String, String)
        case xml(file: String, XMLStreamError)

        public var description: String {
            switch self {
            case .unknownSource(let source, let known):
                "no mapping for source system '\(source)' (known: \(known.joined(separator: ", ")))"
            case .unreadable(let file, let reason): "\(file): \(reason)"
            case .xml(let file, let error):
                "\(file):\(error.position?.line ?? 0):\(error.position?.column ?? 0): \(error.message) [\(error.code)]"
            }
        }
    }

    /// Streams the file in chunks and hands each output line to `emit` as soon as its record is complete.
    public func translate(
        file path: String, source: String, receivedAt: String, trace: Bool = false, emit: (TranslationLine) -> Void
    ) throws(Failure) -> BatchInfo {
        guard let mapper = mappings.mapper(for: source) else {
            throw .unknownSource(source, known: mappings.mappings.keys.sorted())
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, "cannot open the file") }
        defer { try? handle.close() }
        let context = TranslationContext(
            sourceSystem: source, batchId: "", receivedAt: receivedAt, receivedOn: Self.beijingDay(of: receivedAt) ?? LocalDate(year: 1970, month: 1, day: 1)!)
        let translator = BatchTranslator(mapper: mapper, context: context, limits: limits)
        do {
            while true {
                let chunk = handle.readData(ofLength: 64 * 1024)
                if chunk.isEmpty { break }
                for outcome in try translator.feed(chunk) { lines(for: outcome, trace: trace).forEach(emit) }
            }
            for outcome in try translator.finish() { lines(for: outcome, trace: trace).forEach(emit) }
        } catch {
            throw .xml(file: path, error)
        }
        return translator.batchInfo
    }

    /// The calendar day in China of an RFC 3339 timestamp.
    public static func beijingDay(of timestamp: String) -> LocalDate? {
        DatePattern("rfc3339")?.parse(timestamp)
    }

    private func lines(for outcome: RecordOutcome, trace: Bool) -> [TranslationLine] {
        switch outcome {
        case .rejected(let rejection):
            return [.rejection(rejection)]
        case .mapped(let record):
            let withdraw = record.sourceAction == .withdraw
            var hub = record.hub
            switch RecordVersioning.decide(latest: latest[hub.recordId], contentHash: record.contentHash, withdraw: withdraw) {
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
                latest[hub.recordId] = .init(version: version, contentHash: record.contentHash, withdrawn: action == .withdraw)
            }
            var lines: [TranslationLine] = [.hub(hub, trace: trace ? record.trace : nil)]
            for credit in record.credits {
                var creditRecord = credit.record
                let decision = RecordVersioning.decide(
                    latest: latest[creditRecord.creditRecordId], contentHash: credit.contentHash, withdraw: withdraw)
                guard case .newVersion(let version, let action) = decision else { continue }
                creditRecord.version = version
                creditRecord.action = action
                latest[creditRecord.creditRecordId] = .init(version: version, contentHash: credit.contentHash, withdrawn: action == .withdraw)
                lines.append(.credit(creditRecord, publishOnCreditZhejiang: credit.publishOnCreditZhejiang))
            }
            return lines
        }
    }
}
