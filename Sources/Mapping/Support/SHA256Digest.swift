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
    /// record. The parts are joined in one buffer on the stack and hashed in one call (building the joined text,
    /// the full hex and its prefix as three strings cost more than the hash; so did an update per part).
    public static func identifier(marker: Character, digits: Int, of parts: String...) -> String {
        identifier(marker: marker, digits: digits, count: parts.count) { parts[$0] }
    }

    /// ``identifier(marker:digits:of:)`` for the hub record id's three parts, without the list a variadic call makes.
    public static func identifier(marker: Character, digits: Int, joining first: String, _ second: String, _ third: String) -> String {
        identifier(marker: marker, digits: digits, count: 3) { $0 == 0 ? first : $0 == 1 ? second : third }
    }

    private static func identifier(marker: Character, digits: Int, count: Int, part: (Int) -> String) -> String {
        precondition(marker.isASCII && digits <= 2 * SHA256.byteCount, "SHA256Digest: ASCII marker, at most 64 digits")
        var length = max(count - 1, 0)
        for index in 0..<count { length += part(index).utf8.count }
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(length, 1)) { buffer in
            var offset = 0
            for index in 0..<count {
                var part = part(index)
                if index > 0 {
                    buffer[offset] = 0
                    offset += 1
                }
                part.withUTF8 { bytes in
                    if let source = bytes.baseAddress, !bytes.isEmpty { (buffer.baseAddress! + offset).update(from: source, count: bytes.count) }
                    offset += bytes.count
                }
            }
            return SHA256.hash(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[..<offset])))
        }
        return hex(digest, marker: marker.asciiValue, digits: digits)
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
