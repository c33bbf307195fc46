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

    /// Lowercase hex of a digest, written at once: ids and hashes are computed for every record.
    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { buffer in
            digits.withUTF8Buffer { digits in
                var index = 0
                for byte in digest {
                    buffer[index] = digits[Int(byte >> 4)]
                    buffer[index + 1] = digits[Int(byte & 0x0F)]
                    index += 2
                }
            }
            return 2 * SHA256.byteCount
        }
    }
}
