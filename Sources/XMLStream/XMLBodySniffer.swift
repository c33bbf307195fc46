/// Looks at the first decoded bytes of a body to tell an empty body and a non-XML one (JSON,
/// plain text) from a malformed document, which libxml2 reports alike ("Document is empty").
struct XMLBodySniffer {
    /// The first byte that is not XML whitespace (byte order marks are gone by now).
    private(set) var firstSignificantByte: UInt8?

    /// Whether anything but whitespace has arrived.
    var sawContent: Bool { firstSignificantByte != nil }

    mutating func inspect(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard firstSignificantByte == nil else { return }
        firstSignificantByte = bytes.first { !(($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D)) }
    }

    /// How to name the first byte in a message: the character when printable ASCII, else hex.
    static func describe(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
