/// Looks at the first bytes of a body to tell an empty body and a non-XML one (JSON, plain text)
/// from a malformed document, which libxml2 reports alike ("Document is empty").
struct XMLBodySniffer {
    /// The first byte after an optional UTF-8 BOM that is not XML whitespace.
    private(set) var firstSignificantByte: UInt8?
    /// UTF-16 or UCS-4 (BOM or a leading zero byte): bytes cannot be read as ASCII, so no guesses.
    private(set) var isWideEncoding = false
    private var offset = 0
    private var byteOrderMarkLength = 0

    private static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether anything but whitespace (or a BOM) has arrived.
    var sawContent: Bool { firstSignificantByte != nil || isWideEncoding }

    mutating func inspect(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            guard firstSignificantByte == nil, !isWideEncoding else { return }
            defer { offset += 1 }
            if offset == 0 && (byte == 0xFE || byte == 0xFF || byte == 0x00) {
                isWideEncoding = true
            } else if offset < 3 && byteOrderMarkLength == offset && byte == Self.utf8ByteOrderMark[offset] {
                byteOrderMarkLength += 1
            } else if !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D) {
                firstSignificantByte = byte
            }
        }
    }

    /// How to name the first byte in a message: the character when printable ASCII, else hex.
    static func describe(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
