import Crypto

/// Hex SHA-256, used for mapping-file versions, deterministic ids and content hashes.
public enum SHA256Digest {
    public static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func hex(of text: String) -> String { hex(of: Array(text.utf8)) }
}
