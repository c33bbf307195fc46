import Foundation
import Testing

@testable import Store

@Suite("Support: digests and errors")
struct SupportTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256Digest.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256Digest.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func hexRoundTrips() {
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256Digest.bytes(hex: hex).map(SHA256Digest.hex) == hex)
        #expect(SHA256Digest.bytes(hex: hex.uppercased()).map(SHA256Digest.hex) == hex)
        #expect(SHA256Digest.bytes(hex: "xyz") == nil)
        #expect(SHA256Digest.bytes(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test func errorsDescribeThemselves() {
        let error = StoreError(.notFound, "There is no batch with this id.", context: ["batchId": "B1"])
        #expect(error.description == "not_found: There is no batch with this id. (batchId=B1)")
        #expect(error.code == .notFound && error.code != .database)
    }
}
