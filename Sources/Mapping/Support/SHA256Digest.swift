import Crypto

/// Hex SHA-256, used for mapping-file versions, deterministic ids and content hashes.
public enum SHA256Digest {
    public static func hex(of bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    public static func hex(of bytes: some Sequence<UInt8>) -> String {
        hex(of: Array(bytes))
    }

    public static func hex(of text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: $0)) }
    }

    /// `marker` and the first `digits` hex digits of the SHA-256 of `parts` joined by NUL bytes: an id for every
    /// record, hashed from the parts in place (building the joined text, the full hex and its prefix as three
    /// strings cost more than the hash).
    public static func identifier(marker: Character, digits: Int, of parts: String...) -> String {
        precondition(marker.isASCII && digits <= 2 * SHA256.byteCount, "SHA256Digest: ASCII marker, at most 64 digits")
        var hasher = SHA256()
        for (index, part) in parts.enumerated() {
            if index > 0 { withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) } }
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        return hex(hasher.finalize(), marker: marker.asciiValue, digits: digits)
    }

    /// Lowercase hex of a digest (its first `digits` digits), after an optional ASCII marker, written at once:
    /// ids and hashes are computed for every record.
    private static func hex(_ digest: SHA256.Digest, marker: UInt8? = nil, digits count: Int = 2 * SHA256.byteCount) -> String {
        let digits: StaticString = "0123456789abcdef"
        let offset = marker == nil ? 0 : 1
        return String(unsafeUninitializedCapacity: offset + count) { buffer in
            if let marker { buffer[0] = marker }
            // The digest's bytes read in place: iterating the digest allocated an iterator per id.
            digest.withUnsafeBytes { bytes in
                digits.withUTF8Buffer { digits in
                    var index = offset
                    for byte in bytes {
                        guard index < offset + count else { break }
                        buffer[index] = digits[Int(byte >> 4)]
                        if index + 1 < offset + count { buffer[index + 1] = digits[Int(byte & 0x0F)] }
                        index += 2
                    }
                }
            }
            return offset + count
        }
    }
}
