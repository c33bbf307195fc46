import Foundation

/// Writes records as compact JSON with keys in UTF-8 byte order and slashes unescaped: byte for byte
/// what `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes for the same value.
///
/// Records are written on every line `translate` prints and hashed for every version the store keeps
/// (`RecordMapper.contentHash`); `JSONEncoder` spent ten times longer per record than this writer
/// (make bench-profile). The output must stay identical to the encoder's, because content hashes
/// already stored were computed from it: `CanonicalJSONTests` compares the two on every golden record.
public struct CanonicalJSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - Scalars

    /// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`
    /// (lowercase hex), everything else verbatim, `/` included.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Read in place: `withUTF8` is mutating, so it needed a copy of the string (a retain and a release per value).
        // A native string always has contiguous UTF-8; a bridged one is copied into one first.
        if value.utf8.withContiguousStorageIfAvailable({ utf8 in appendEscaped(utf8) }) == nil {
            var copy = value
            copy.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The bytes of a JSON string's content, escaped.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Nearly every value has nothing to escape: found eight bytes at a time, then copied at once.
        guard Self.mayNeedEscaping(utf8) else {
            bytes.append(contentsOf: utf8)
            return
        }
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            runStart = index + 1
            appendEscape(byte)
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }

    /// Whether any byte is a control character, `"` or `\\` (exact for whole words, byte by byte for the rest).
    static func mayNeedEscaping(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= utf8.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // A byte below 0x20, or a zero byte in either XOR: the classic "has less than / has zero" tests.
            let found = ((word &- ones &* 0x20) | (quotes &- ones) | (backslashes &- ones)) & ~word & highs
            // `~word` keeps only bytes below 0x80; a quote's or backslash's zero byte also has its high bit clear.
            if found != 0 { return true }
            offset += 8
        }
        while offset < utf8.count {
            let byte = utf8[offset]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            offset += 1
        }
        return false
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    public mutating func integer(_ value: Int) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    public mutating func null() {
        bytes.append(contentsOf: Self.nullBytes)
    }

    public mutating func date(_ value: LocalDate) {
        bytes.append(UInt8(ascii: "\""))
        value.appendISO(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Raw bytes that are already JSON (a value written by another writer).
    public mutating func raw(_ json: some Sequence<UInt8>) {
        bytes.append(contentsOf: json)
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    // MARK: - Structure

    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { bytes.append(UInt8(ascii: "[")) }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")) }
    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// `"key":`, preceded by a comma unless it is the object's first key. Keys are written as given:
    /// callers pass them in byte order and without characters that need escaping.
    ///
    /// The key's bytes are put together on the stack and appended at once: five appends per key, each checking the
    /// array's storage, were a third of writing a record (make bench-profile).
    public mutating func key(_ name: StaticString, first: inout Bool) {
        let comma = first ? 0 : 1
        first = false
        name.withUTF8Buffer { name in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: name.count + 4) { buffer in
                buffer[0] = UInt8(ascii: ",")
                buffer[comma] = UInt8(ascii: "\"")
                if let source = name.baseAddress, name.count > 0 { (buffer.baseAddress! + comma + 1).update(from: source, count: name.count) }
                buffer[comma + 1 + name.count] = UInt8(ascii: "\"")
                buffer[comma + 2 + name.count] = UInt8(ascii: ":")
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<(comma + 3 + name.count)]))
            }
        }
    }

    /// A key known only at run time (free fields, object values), escaped like any string.
    public mutating func dynamicKey(_ name: String, first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"name":"value"`, nothing when `value` is nil (as `JSONEncoder` omits an absent optional).
    public mutating func optionalString(_ name: StaticString, _ value: String?, first: inout Bool) {
        guard let value else { return }
        key(name, first: &first)
        string(value)
    }

    /// `"name":"value"`.
    public mutating func stringField(_ name: StaticString, _ value: String, first: inout Bool) {
        key(name, first: &first)
        string(value)
    }

    /// `"name":"yyyy-MM-dd"`, nothing when `value` is nil.
    public mutating func dateField(_ name: StaticString, _ value: LocalDate?, first: inout Bool) {
        guard let value else { return }
        key(name, first: &first)
        date(value)
    }

    /// `"name":[…]`, each element by `write`; nothing when `values` is nil.
    public mutating func array<Element>(_ name: StaticString, _ values: [Element]?, first: inout Bool, _ write: (inout Self, Element) -> Void) {
        guard let values else { return }
        key(name, first: &first)
        beginArray()
        for (index, value) in values.enumerated() {
            if index > 0 { comma() }
            write(&self, value)
        }
        endArray()
    }
}

// MARK: - Values

extension CanonicalJSONWriter {
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .string(let text): string(text)
        case .number(let text): number(text)
        case .bool(let flag): bool(flag)
        case .null: null()
        case .array(let values):
            beginArray()
            for (index, element) in values.enumerated() {
                if index > 0 { comma() }
                write(element)
            }
            endArray()
        case .object(let members):
            beginObject()
            var first = true
            if members.count == 1, let (name, member) = members.first {
                // The usual free-fields object has one member: nothing to sort (sorting allocated a key list per record).
                dynamicKey(name, first: &first)
                write(member)
            } else {
                // Keys in UTF-8 byte order, the order `JSONEncoder`'s `.sortedKeys` gives.
                for (name, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    dynamicKey(name, first: &first)
                    write(member)
                }
            }
            endObject()
        }
    }

    /// Numbers as `JSONValue.encode(to:)` writes them: integers as integers, other decimals as
    /// `Decimal` writes them, anything else as a string.
    private mutating func number(_ text: String) {
        if let integer = Int64(text) {
            bytes.append(contentsOf: String(integer).utf8)
        } else if let decimal = Decimal(string: text, locale: nil) {
            bytes.append(contentsOf: decimal.description.utf8)
        } else {
            string(text)
        }
    }

    public mutating func write(_ reference: SourceReference) {
        var first = true
        beginObject()
        stringField("batchId", reference.batchId, first: &first)
        stringField("recordId", reference.recordId, first: &first)
        stringField("system", reference.system, first: &first)
        endObject()
    }

    public mutating func write(_ party: Party) {
        var first = true
        beginObject()
        optionalString("idNumber", party.idNumber, first: &first)
        optionalString("idType", party.idType, first: &first)
        stringField("kind", party.kind.rawValue, first: &first)
        stringField("name", party.name, first: &first)
        stringField("role", party.role, first: &first)
        optionalString("uscc", party.uscc, first: &first)
        endObject()
    }

    public mutating func write(_ amount: MoneyAmount) {
        var first = true
        beginObject()
        stringField("currency", amount.currency, first: &first)
        stringField("kind", amount.kind, first: &first)
        stringField("value", amount.value, first: &first)
        endObject()
    }

    public mutating func write(_ document: DocumentLink) {
        var first = true
        beginObject()
        stringField("name", document.name, first: &first)
        optionalString("sha256", document.sha256, first: &first)
        stringField("url", document.url, first: &first)
        endObject()
    }

    // MARK: - Records

    public mutating func write(_ record: HubRecord) {
        var first = true
        beginObject()
        stringField("action", record.action.rawValue, first: &first)
        array("amounts", record.amounts, first: &first) { $0.write($1) }
        array("creditRecordIds", record.creditRecordIds, first: &first) { $0.string($1) }
        array("documents", record.documents, first: &first) { $0.write($1) }
        stringField("domain", record.domain, first: &first)
        dateField("dueOn", record.dueOn, first: &first)
        if let fields = record.fields {
            key("fields", first: &first)
            write(.object(fields))
        }
        dateField("formedOn", record.formedOn, first: &first)
        stringField("itemType", record.itemType, first: &first)
        key("late", first: &first)
        bool(record.late)
        array("parties", record.parties, first: &first) { $0.write($1) }
        optionalString("projectCode", record.projectCode, first: &first)
        optionalString("projectName", record.projectName, first: &first)
        dateField("publishedOn", record.publishedOn, first: &first)
        stringField("receivedAt", record.receivedAt, first: &first)
        stringField("recordId", record.recordId, first: &first)
        array("redacted", record.redacted, first: &first) { $0.string($1) }
        stringField("regionCode", record.regionCode, first: &first)
        key("responsible", first: &first)
        write(record.responsible)
        key("source", first: &first)
        write(record.source)
        stringField("title", record.title, first: &first)
        key("version", first: &first)
        integer(record.version)
        endObject()
    }

    public mutating func write(_ record: CreditRecord) {
        var first = true
        beginObject()
        optionalString("BZ", record.BZ, first: &first)
        stringField("CF_CFJG", record.CF_CFJG, first: &first)
        stringField("CF_CFJGDM", record.CF_CFJGDM, first: &first)
        stringField("CF_CFLB", record.CF_CFLB, first: &first)
        optionalString("CF_FRDB", record.CF_FRDB, first: &first)
        optionalString("CF_FR_ZJHM", record.CF_FR_ZJHM, first: &first)
        optionalString("CF_FR_ZJLX", record.CF_FR_ZJLX, first: &first)
        dateField("CF_GSJZQ", record.CF_GSJZQ, first: &first)
        dateField("CF_JDRQ", record.CF_JDRQ, first: &first)
        stringField("CF_NR", record.CF_NR, first: &first)
        optionalString("CF_NR_FK", record.CF_NR_FK, first: &first)
        optionalString("CF_NR_WFFF", record.CF_NR_WFFF, first: &first)
        optionalString("CF_NR_ZKDX", record.CF_NR_ZKDX, first: &first)
        stringField("CF_SJLY", record.CF_SJLY, first: &first)
        stringField("CF_SJLYDM", record.CF_SJLYDM, first: &first)
        stringField("CF_SY", record.CF_SY, first: &first)
        stringField("CF_WFXW", record.CF_WFXW, first: &first)
        stringField("CF_WSH", record.CF_WSH, first: &first)
        optionalString("CF_XDR_GSZC", record.CF_XDR_GSZC, first: &first)
        stringField("CF_XDR_LB", record.CF_XDR_LB.rawValue, first: &first)
        stringField("CF_XDR_MC", record.CF_XDR_MC, first: &first)
        optionalString("CF_XDR_SHXYM", record.CF_XDR_SHXYM, first: &first)
        optionalString("CF_XDR_SHZZ", record.CF_XDR_SHZZ, first: &first)
        optionalString("CF_XDR_SWDJ", record.CF_XDR_SWDJ, first: &first)
        optionalString("CF_XDR_SYDW", record.CF_XDR_SYDW, first: &first)
        optionalString("CF_XDR_ZJHM", record.CF_XDR_ZJHM, first: &first)
        optionalString("CF_XDR_ZJLX", record.CF_XDR_ZJLX, first: &first)
        optionalString("CF_XDR_ZZJG", record.CF_XDR_ZZJG, first: &first)
        stringField("CF_YJ", record.CF_YJ, first: &first)
        dateField("CF_YXQ", record.CF_YXQ, first: &first)
        stringField("action", record.action.rawValue, first: &first)
        stringField("creditRecordId", record.creditRecordId, first: &first)
        stringField("domain", record.domain, first: &first)
        stringField("hubRecordId", record.hubRecordId, first: &first)
        stringField("recordKind", record.recordKind.rawValue, first: &first)
        stringField("regionCode", record.regionCode, first: &first)
        stringField("severity", record.severity.rawValue, first: &first)
        key("source", first: &first)
        write(record.source)
        key("version", first: &first)
        integer(record.version)
        endObject()
    }
}

extension HubRecord {
    /// The record as canonical JSON (sorted keys, unescaped slashes), as `JSONEncoder` would write it.
    public var canonicalJSON: [UInt8] {
        var writer = CanonicalJSONWriter()
        writer.write(self)
        return writer.bytes
    }
}

extension CreditRecord {
    public var canonicalJSON: [UInt8] {
        var writer = CanonicalJSONWriter()
        writer.write(self)
        return writer.bytes
    }
}
