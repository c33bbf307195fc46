import Crypto
import Foundation

/// SHA-256 helpers in the lower-case hex form the gateway stores and compares.
///
/// swift-crypto rather than a hand-written digest: Foundation on Linux has no CryptoKit, and swift-crypto is
/// the same API as CryptoKit on Apple platforms, backed by BoringSSL on Linux.
enum SHA256Digest {
    /// The 32 zero bytes that stand in for the link before the first one of the audit chain.
    static let genesis = Data(repeating: 0, count: SHA256.byteCount)

    static func hex(of data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    static func bytes(of data: some DataProtocol) -> Data {
        Data(SHA256.hash(data: data))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        hex(Data(digest))
    }

    static func hex(_ bytes: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses 64 hex digits (either case); nil for anything else.
    static func bytes(hex text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count == SHA256.byteCount * 2 else { return nil }
        var result = Data(capacity: SHA256.byteCount)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
