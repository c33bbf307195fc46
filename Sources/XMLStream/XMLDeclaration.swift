/// Reads the `encoding` of an XML declaration at the start of a document's first bytes.
enum XMLDeclaration {
    /// The declared encoding, nil when there is no declaration or it names none; a UTF-8 byte
    /// order mark before the declaration is skipped.
    static func encoding(in bytes: [UInt8]) -> String? {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard bytes[start...].starts(with: Array("<?xml".utf8)) else { return nil }
        let declaration = bytes[start...].prefix { $0 != UInt8(ascii: ">") }
        guard let name = declaration.firstRange(of: Array("encoding".utf8)) else { return nil }
        var rest = declaration[name.upperBound...].drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard rest.first == UInt8(ascii: "=") else { return nil }
        rest = rest.dropFirst().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let quote = rest.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return String(decoding: value, as: UTF8.self)
    }

    /// Whether a name has the form XML allows for encodings: `[A-Za-z] ([A-Za-z0-9._] | '-')*`.
    static func isEncodingName(_ name: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard let first = name.utf8.first, isLetter(first) else { return false }
        return name.utf8.allSatisfy { byte in
            isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
    }

    /// Whether a declared encoding is UTF-8 by another spelling.
    static func isUTF8(_ name: String) -> Bool {
        let normalized = name.uppercased().filter { $0 != "-" && $0 != "_" }
        return normalized == "UTF8"
    }
}
