import ExchangeStandard
import Foundation
import Mapping
import Store
import XMLStream

/// What a batch would come to, computed without storing anything: the records, the rejections (forbidden ones
/// included, as ingest would make them), the trace, and what each record would be against the store's history.
struct MappingPreview: Sendable {
    static let maxBodyBytes = 16 << 20
    /// Records looked up in the store and shown in full; the counts cover every record.
    static let maxRecordsShown = 300

    struct Record: Sendable {
        var mapped: MappedRecord
        /// What storing it would do: a new version (publish/correct/withdraw), unchanged, or `withdraw_unknown`.
        var decision: RecordVersioning.Decision?
    }

    var system: String
    /// The mapping file's hash, as a stored record would name it.
    var mappingVersion: String
    var batchInfo: BatchInfo?
    var records: [Record] = []
    var rejections: [RecordRejection] = []
    var mappedCount = 0
    var rejectedCount = 0
    /// The document was refused (malformed, not XML, too large): nothing after the error was mapped.
    var error: XMLStreamError?

    /// Maps `body` as ingest would for `source` (its registration applies) or, without one, for the bare mapping.
    static func run(
        mapper: RecordMapper, source: GatewayConfiguration.Source?, body: Data, receivedAt: Date, store: any GatewayStore
    ) async -> MappingPreview {
        let receivedAtText = BatchIngestor.rfc3339Beijing(receivedAt)
        let context = TranslationContext(
            sourceSystem: source?.id ?? mapper.spec.system, batchId: "", receivedAt: receivedAtText,
            receivedOn: LocalDate(receivedAt, utcOffsetSeconds: 8 * 3600))
        var limits = XMLStreamLimits()
        limits.maxBytes = maxBodyBytes
        let translator = BatchTranslator(mapper: mapper, context: context, limits: limits)
        var preview = MappingPreview(system: mapper.spec.system, mappingVersion: mapper.spec.fileHash)
        var outcomes: [RecordOutcome] = []
        do {
            var offset = body.startIndex
            while offset < body.endIndex {
                let end = body.index(offset, offsetBy: 64 << 10, limitedBy: body.endIndex) ?? body.endIndex
                outcomes += try translator.feed(body[offset..<end])
                offset = end
            }
            outcomes += try translator.finish()
        } catch {
            preview.error = error
        }
        preview.batchInfo = translator.batchInfo
        let authorization = source.map(SourceAuthorization.init)
        for outcome in outcomes {
            switch outcome {
            case .rejected(let rejection):
                preview.rejectedCount += 1
                if preview.rejections.count < maxRecordsShown { preview.rejections.append(rejection) }
            case .mapped(let record):
                let forbidden = authorization?.problems(for: record.hub) ?? []
                if !forbidden.isEmpty {
                    preview.rejectedCount += 1
                    if preview.rejections.count < maxRecordsShown {
                        preview.rejections.append(
                            RecordRejection(
                                sourceRecordId: record.sourceRecordId, recordSpec: record.recordSpec, line: record.line, column: record.column,
                                problems: forbidden))
                    }
                    continue
                }
                preview.mappedCount += 1
                if preview.records.count < maxRecordsShown {
                    let history = (try? await store.recordHistory(recordId: record.hub.recordId)) ?? []
                    let latest = history.last.map {
                        RecordVersioning.Latest(
                            version: $0.provenance.version, contentHash: $0.provenance.contentHash, withdrawn: $0.provenance.action == .withdraw)
                    }
                    preview.records.append(
                        Record(
                            mapped: record,
                            decision: RecordVersioning.decide(
                                latest: latest, contentHash: record.contentHash, withdraw: record.sourceAction == .withdraw)))
                }
            }
        }
        return preview
    }

    /// Pasted text reaches the server as UTF-8 whatever the original file's encoding was; its declaration must then
    /// say UTF-8, or the parser would decode the bytes as the GBK the declaration still names.
    static func pastedDocument(_ text: String) -> Data {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return Data(text.utf8) }
        let declaration = String(text[..<end.lowerBound])
        let rewritten = declaration.replacingOccurrences(
            of: #"encoding\s*=\s*("[^"]*"|'[^']*')"#, with: #"encoding="UTF-8""#, options: .regularExpression)
        return Data((rewritten + text[end.lowerBound...]).utf8)
    }
}
