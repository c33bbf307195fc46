import ExchangeStandard
import Foundation

/// How the gateway stores a record's trace: compact, expanded to ``TraceEntry`` values when read.
///
/// The trace was the largest part of a stored hub version (2.4 KB of the 6.8 KB a record takes in the store, by
/// `make bench`), much of it repeated in every entry: the JSON keys and the mapping file's path. The compact form
/// writes each entry as an array and the files once: 1.4 KB for the same nb-gpp records, and a store 7 % smaller
/// (a hub version still fills most of a 4 KB SQLite page):
///
/// ```json
/// {"entries":[["itemType",0,"18:17","公告类型","5:5"],["domain",0,"17:15","'PROCUREMENT'"]],"files":["systems/nb-gpp.yaml"]}
/// ```
///
/// An entry is the field, the index of its rule's file in `files` (-1 when the rule is not `file:line:column`),
/// the rule's `line:column` (the whole rule with -1), the source, and where in the input the value came from (left
/// out for constants). ``decode(_:)`` also reads the array of entry objects that earlier gateways stored and
/// `translate --trace` prints.
public enum StoredTrace {
    public static func encode(_ trace: [TraceEntry]) -> [UInt8] {
        var files: [String] = []
        var writer = CanonicalJSONWriter(capacity: 48 * max(trace.count, 1) + 64)
        writer.raw(#"{"entries":["#.utf8)
        for (index, entry) in trace.enumerated() {
            if index > 0 { writer.comma() }
            writer.beginArray()
            writer.string(entry.field)
            writer.comma()
            if let (file, position) = splitRule(entry.rule) {
                let fileIndex = files.firstIndex(of: file) ?? files.count
                if fileIndex == files.count { files.append(file) }
                writer.integer(fileIndex)
                writer.comma()
                writer.string(position)
            } else {
                writer.integer(-1)
                writer.comma()
                writer.string(entry.rule)
            }
            writer.comma()
            writer.string(entry.source)
            if let at = entry.at {
                writer.comma()
                writer.string(at)
            }
            writer.endArray()
        }
        writer.raw(#"],"files":["#.utf8)
        for (index, file) in files.enumerated() {
            if index > 0 { writer.comma() }
            writer.string(file)
        }
        writer.raw("]}".utf8)
        return writer.bytes
    }

    /// The entries of a stored trace in either form; nil when the bytes are neither (an empty trace is `[]`).
    public static func decode(_ data: Data) -> [TraceEntry]? {
        if let entries = try? JSONDecoder().decode([TraceEntry].self, from: data) { return entries }
        guard let compact = try? JSONDecoder().decode(Compact.self, from: data) else { return nil }
        var entries: [TraceEntry] = []
        entries.reserveCapacity(compact.entries.count)
        for entry in compact.entries {
            let rule: String
            if entry.fileIndex == -1 {
                rule = entry.position
            } else {
                guard compact.files.indices.contains(entry.fileIndex) else { return nil }
                rule = compact.files[entry.fileIndex] + ":" + entry.position
            }
            entries.append(TraceEntry(field: entry.field, rule: rule, source: entry.source, at: entry.at))
        }
        return entries
    }

    private struct Compact: Decodable {
        var entries: [Entry]
        var files: [String]
    }

    /// `[field, fileIndex, position, source, at?]`.
    private struct Entry: Decodable {
        var field: String
        var fileIndex: Int
        var position: String
        var source: String
        var at: String?

        init(from decoder: any Decoder) throws {
            var parts = try decoder.unkeyedContainer()
            field = try parts.decode(String.self)
            fileIndex = try parts.decode(Int.self)
            position = try parts.decode(String.self)
            source = try parts.decode(String.self)
            at = parts.isAtEnd ? nil : try parts.decode(String.self)
            guard parts.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a trace entry has at most five parts"))
            }
        }
    }

    /// `file` and `line:column` of a rule written `file:line:column`, nil for any other rule text.
    private static func splitRule(_ rule: String) -> (file: String, position: String)? {
        let utf8 = rule.utf8
        guard let lastColon = utf8.lastIndex(of: UInt8(ascii: ":")),
            let lineColon = utf8[..<lastColon].lastIndex(of: UInt8(ascii: ":")),
            lineColon > utf8.startIndex
        else { return nil }
        let line = utf8[utf8.index(after: lineColon)..<lastColon]
        let column = utf8[utf8.index(after: lastColon)...]
        guard isNumber(line), isNumber(column) else { return nil }
        return (String(rule[..<lineColon]), String(rule[rule.index(after: lineColon)...]))
    }

    private static func isNumber(_ digits: some Collection<UInt8>) -> Bool {
        !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
