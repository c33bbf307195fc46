import ExchangeStandard
import Foundation

/// One line of `translate` output: a hub record, a credit record, an unchanged record or a rejection.
public enum TranslationLine: Sendable {
    case hub(HubRecord, trace: [TraceEntry]?)
    case credit(CreditRecord, publishOnCreditZhejiang: Bool)
    case unchanged(sourceRecordId: String, recordId: String, version: Int)
    case rejection(RecordRejection)

    /// The JSON object of the line, in the language asked for (rejection messages).
    public func jsonObject(language: MessageLanguage) -> JSONValue {
        switch self {
        case .hub(let record, let trace):
            var object: [String: JSONValue] = ["hubRecord": Self.json(record)]
            if let trace { object["trace"] = Self.json(trace) }
            return .object(object)
        case .credit(let record, _):
            return .object(["creditRecord": Self.json(record)])
        case .unchanged(let sourceRecordId, let recordId, let version):
            return .object([
                "unchanged": .object([
                    "sourceRecordId": .string(sourceRecordId), "recordId": .string(recordId), "version": .number(String(version)),
                ])
            ])
        case .rejection(let rejection):
            let errors: [JSONValue] = rejection.problems.map { problem in
                var error: [String: JSONValue] = [
                    "field": .string(problem.field), "rule": .string(problem.rule), "message": .string(problem.message(language)),
                ]
                error["value"] = problem.value.map { .string($0) } ?? .null
                return .object(error)
            }
            var object: [String: JSONValue] = [
                "errors": .array(errors), "line": .number(String(rejection.line)), "column": .number(String(rejection.column)),
            ]
            object["sourceRecordId"] = rejection.sourceRecordId.map { .string($0) } ?? .null
            return .object(["rejection": .object(object)])
        }
    }

    /// The line as `translate` prints it.
    public func jsonLine(language: MessageLanguage) -> String {
        var writer = CanonicalJSONWriter(capacity: 2048)
        write(to: &writer, language: language)
        return writer.string
    }

    /// Appends the line's JSON (without the newline). Records go through `CanonicalJSONWriter`:
    /// `JSONEncoder` took most of translate's time per record (make bench-profile).
    public func write(to writer: inout CanonicalJSONWriter, language: MessageLanguage) {
        switch self {
        case .hub(let record, let trace): Self.writeHub(record, trace: trace, to: &writer)
        case .credit(let record, _): Self.writeCredit(record, to: &writer)
        case .unchanged, .rejection: writer.write(jsonObject(language: language))
        }
    }

    /// The line of a hub record, written from the record itself (no line made for it).
    static func writeHub(_ record: HubRecord, trace: [TraceEntry]?, to writer: inout CanonicalJSONWriter) {
        var first = true
        writer.beginObject()
        writer.key("hubRecord", first: &first)
        writer.write(record)
        if let trace {
            writer.key("trace", first: &first)
            TraceEntry.write(trace, to: &writer)
        }
        writer.endObject()
    }

    static func writeCredit(_ record: CreditRecord, to writer: inout CanonicalJSONWriter) {
        var first = true
        writer.beginObject()
        writer.key("creditRecord", first: &first)
        writer.write(record)
        writer.endObject()
    }

    static func json(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value), let decoded = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .null
        }
        return decoded
    }
}

extension RecordOutcome {
    /// The lines of ``TranslationSession/unversionedLines(for:trace:)``, each ending in a newline, written from the
    /// outcome itself.
    func writeUnversionedLines(to writer: inout CanonicalJSONWriter, trace: Bool, language: MessageLanguage) {
        switch self {
        case .rejected(let rejection):
            TranslationLine.rejection(rejection).write(to: &writer, language: language)
            writer.raw(CollectionOfOne(UInt8(ascii: "\n")))
        case .mapped(let record):
            TranslationLine.writeHub(record.hub, trace: trace ? record.trace : nil, to: &writer)
            writer.raw(CollectionOfOne(UInt8(ascii: "\n")))
            for index in record.credits.indices {
                TranslationLine.writeCredit(record.credits[index].record, to: &writer)
                writer.raw(CollectionOfOne(UInt8(ascii: "\n")))
            }
        }
    }
}
