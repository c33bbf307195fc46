extension String {
    /// Whether the first or the last character may be whitespace, judged by its UTF-8 lead byte: false means
    /// neither is, so trimming can return the string itself without walking its characters.
    ///
    /// Every whitespace character Unicode or Foundation knows starts with one of these lead bytes: ASCII
    /// 0x09–0x0D and 0x20, 0xC2 (U+0085, U+00A0), 0xE1 (U+1680, U+180E), 0xE2 (U+2000–U+205F), 0xE3 (U+3000)
    /// and 0xEF (U+FEFF). Values typed by departments start and end with letters, digits or CJK ideographs.
    public var mayHaveEdgeWhitespace: Bool {
        if let answer = utf8.withContiguousStorageIfAvailable(Self.edgesMayBeWhitespace) { return answer }
        var native = self
        native.makeContiguousUTF8()  // a bridged string: its UTF-8 made contiguous once
        return native.utf8.withContiguousStorageIfAvailable(Self.edgesMayBeWhitespace) ?? true
    }

    private static func edgesMayBeWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        if mayLeadWhitespace(first) { return true }
        // The last character's lead byte: back over at most three continuation bytes.
        var index = bytes.count - 1
        while index > 0 && index > bytes.count - 4 && bytes[index] & 0xC0 == 0x80 { index -= 1 }
        return mayLeadWhitespace(bytes[index])
    }

    private static func mayLeadWhitespace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF: true
        default: false
        }
    }
}
