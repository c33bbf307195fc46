import Foundation

/// Reads hub and credit records back from JSON without `JSONDecoder`.
///
/// Delivery reads every stored record version before it sends it (the outbox keeps record JSON, and the
/// publication policy works on typed records), and the stand-in hub reads every batch it is sent. In
/// `serve --demo` under ingest, `JSONDecoder` took a sixth of the server's CPU doing that (make bench-profile).
///
/// The reader takes what `CanonicalJSONWriter` writes, in any key order and with any whitespace, and
/// nothing more: an unknown key, a missing required key, a value of the wrong type or invalid UTF-8 is a
/// ``Failure``. ``HubRecord/init(storedJSON:)`` and ``CreditRecord/init(storedJSON:)`` then fall back to
/// `JSONDecoder`, so that what the reader does not know is decided, and explained, exactly as before.
/// `CanonicalJSONReaderTests` checks both give the same record for every golden record and for edge cases.
public struct CanonicalJSONReader: ~Copyable {
    /// Why the reader gave up, and where (a byte offset into the input).
    public struct Failure: Error, CustomStringConvertible {
        public var reason: String
        public var offset: Int
        public var description: String { "\(reason) at byte \(offset)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The reader only lives inside `read`: it points into the caller's bytes.
    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `body` on a reader over `data` and checks that nothing but whitespace follows what it read.
    public static func read<Value>(
        _ data: some ContiguousBytes, _ body: (inout CanonicalJSONReader) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let result: Result<Value, Failure> = data.withUnsafeBytes { raw in
            var reader = CanonicalJSONReader(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Failure) {
                let value = try body(&reader)
                reader.skipWhitespace()
                guard reader.index == reader.bytes.count else { throw reader.failure("unexpected content after the value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: - Structure

    /// Reads an object, calling `member` with each key; `member` must read the key's value.
    public mutating func object(_ member: (String, inout CanonicalJSONReader) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(key, &self)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw failure("expected , or } in an object", at: index - 1) }
        }
    }

    /// Reads an array, calling `element` for each value; `element` must read it.
    public mutating func array(_ element: (inout CanonicalJSONReader) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw failure("expected , or ] in an array", at: index - 1) }
        }
    }

    /// Reads an array whose elements `element` turns into values.
    public mutating func array<Element>(of element: (inout CanonicalJSONReader) throws(Failure) -> Element) throws(Failure) -> [Element] {
        var values: [Element] = []
        try array { (reader: inout CanonicalJSONReader) throws(Failure) in values.append(try element(&reader)) }
        return values
    }

    /// Whether the next value is `null` (then read); optional members use it.
    public mutating func null() -> Bool {
        guard matches("null") else { return false }
        index += 4
        return true
    }

    // MARK: - Scalars

    public mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        // The usual string has no escapes: one pass to its closing quote, then one validating copy.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try Self.validString(run, failure: failure("invalid UTF-8 in a string", at: start))
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            if byte < 0x20 { throw failure("control character in a string") }
            index += 1
        }
        throw failure("unterminated string", at: start - 1)
    }

    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try utf8.withUnsafeBufferPointer { (run) throws(Failure) in
                    try Self.validString(run, failure: failure("invalid UTF-8 in a string", at: start))
                }
            case UInt8(ascii: "\\"):
                let escape = try take()
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hexQuad()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard matches("\\u") else { throw failure("unpaired surrogate in a string") }
                        index += 2
                        let low = try hexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw failure("unpaired surrogate in a string") }
                    utf8.append(contentsOf: UTF8.encode(unicode)!)
                default:
                    throw failure("unknown escape in a string", at: index - 1)
                }
            default:
                if byte < 0x20 { throw failure("control character in a string", at: index - 1) }
                utf8.append(byte)
            }
        }
        throw failure("unterminated string", at: start - 1)
    }

    /// The string of valid UTF-8 bytes. `String(decoding:)` repairs invalid UTF-8 (U+FFFD for each bad
    /// sequence), so when its bytes are the input's, the input was valid: a copy and a compare, where
    /// `String(validating:)` took most of the time of reading a record (make bench-profile).
    private static func validString(_ run: UnsafeBufferPointer<UInt8>, failure: @autoclosure () -> Failure) throws(Failure) -> String {
        var text = String(decoding: run, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == run.count && (run.isEmpty || memcmp(decoded.baseAddress!, run.baseAddress!, run.count) == 0)
        }
        guard same else { throw failure() }
        return text
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try take()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("bad \\u escape", at: index - 1)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// An integer without fraction or exponent, as the writer writes versions.
    public mutating func integer() throws(Failure) -> Int {
        let start = index
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        // JSON has no leading zeros (`007`).
        if index - digits > 1 && bytes[digits] == UInt8(ascii: "0") { throw failure("leading zero in a number", at: start) }
        guard let value = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) else {
            throw failure("expected an integer", at: start)
        }
        return value
    }

    public mutating func bool() throws(Failure) -> Bool {
        if matches("true") {
            index += 4
            return true
        }
        if matches("false") {
            index += 5
            return false
        }
        throw failure("expected true or false")
    }

    /// A `"YYYY-MM-DD"` string, read from its bytes.
    public mutating func date() throws(Failure) -> LocalDate {
        let start = index
        guard bytes.count - index >= 12, bytes[index] == UInt8(ascii: "\""), bytes[index + 11] == UInt8(ascii: "\""),
            bytes[index + 5] == UInt8(ascii: "-"), bytes[index + 8] == UInt8(ascii: "-")
        else { throw failure("expected a YYYY-MM-DD date") }
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for position in index + offset..<index + offset + count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(1, 4), let month = number(6, 2), let day = number(9, 2), let date = LocalDate(year: year, month: month, day: day)
        else { throw failure("expected a YYYY-MM-DD date", at: start) }
        index += 12
        return date
    }

    public mutating func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type) throws(Failure) -> Value {
        let start = index
        guard let value = Value(rawValue: try string()) else { throw failure("unknown \(Value.self) value", at: start) }
        return value
    }

    /// A string, or nil for `null`.
    public mutating func optionalString() throws(Failure) -> String? {
        null() ? nil : try string()
    }

    /// Any JSON value, numbers as `JSONValue` reads them.
    public mutating func value() throws(Failure) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in members[key] = try reader.value() }
            return .object(members)
        case UInt8(ascii: "["): return .array(try array { (reader: inout CanonicalJSONReader) throws(Failure) in try reader.value() })
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try bool())
        case UInt8(ascii: "n"):
            guard null() else { throw failure("expected null") }
            return .null
        default:
            return .number(try numberText())
        }
    }

    /// A number's text as `JSONValue` keeps it: an integer as itself, a decimal fraction as `Decimal` writes
    /// it (`12.50` → `12.5`). Exponents are refused, and left to the fallback decoder.
    private mutating func numberText() throws(Failure) -> String {
        let start = index
        let integral = try integer()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else {
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                throw failure("number with an exponent", at: start)
            }
            return String(integral)
        }
        index += 1
        let fraction = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        guard index > fraction, index - start <= 20 else { throw failure("number this reader does not read", at: start) }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            throw failure("number with an exponent", at: start)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let decimal = Decimal(string: text, locale: nil) else { throw failure("malformed number", at: start) }
        return "\(decimal)"
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func peek() throws(Failure) -> UInt8 {
        guard index < bytes.count else { throw failure("unexpected end of input") }
        return bytes[index]
    }

    private mutating func take() throws(Failure) -> UInt8 {
        let byte = try peek()
        index += 1
        return byte
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try take() == byte else { throw failure("expected \(Character(Unicode.Scalar(byte)))", at: index - 1) }
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        return literal.withUTF8Buffer { literalBytes in
            for offset in 0..<count where bytes[index + offset] != literalBytes[offset] { return false }
            return true
        }
    }

    public func failure(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(reason: reason, offset: offset ?? index)
    }
}
