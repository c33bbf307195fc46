import Crypto
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Raw batch bodies")
struct RawBodyTests {
    @Test(arguments: StoreBackend.allCases)
    func aFiftyMegabyteBodyIsStoredAndReadBackInChunks(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        // Written to the spool file piece by piece, as the ingest route would, never as one 50 MB value.
        let byteCount = 50 * 1024 * 1024 + 12_345
        let url = temporary.directory.appendingPathComponent("large-body.xml")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var hasher = SHA256()
        var generator = XorShift(seed: 0x5EED_2024)
        var written = 0
        while written < byteCount {
            let piece = generator.bytes(min(1 << 20, byteCount - written))
            hasher.update(data: piece)
            try handle.write(contentsOf: piece)
            written += piece.count
        }
        try handle.close()
        let bodySHA256 = SHA256Digest.hex(hasher.finalize())

        let submission = BatchSubmission(
            sourceSystem: "zjzfcg", batchNumber: "20241008-BIG", bodySHA256: bodySHA256,
            body: RawBatchBody(path: url.path, byteCount: Int64(byteCount)), receivedAt: Fixture.receivedAt,
            receivedOn: Fixture.receivedOn, mappingVersion: "m-2024-10-01", records: [Fixture.draft("CG-0600")], rejections: [])
        guard case .committed(let stored) = try await store.commitBatch(submission) else {
            Issue.record("the large batch was not committed")
            return
        }

        let body = try await store.rawBody(batchId: stored.receipt.batchId)
        #expect(body.byteCount == Int64(byteCount) && body.bodySHA256 == bodySHA256)
        var readHasher = SHA256()
        var readCount = 0
        var chunks = 0
        var largestChunk = 0
        for try await chunk in body {
            readHasher.update(data: chunk)
            readCount += chunk.count
            chunks += 1
            largestChunk = max(largestChunk, chunk.count)
        }
        #expect(readCount == byteCount)
        #expect(SHA256Digest.hex(readHasher.finalize()) == bodySHA256)
        #expect(chunks == 51 && largestChunk == 1 << 20)
        #expect(try await store.verifyAuditChain(rehashBodies: true).isIntact)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEmptyBodyIsABodyToo(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let url = temporary.directory.appendingPathComponent("empty.xml")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data())
        let submission = BatchSubmission(
            sourceSystem: "zjzfcg", batchNumber: "EMPTY", bodySHA256: SHA256Digest.hex(of: Data()),
            body: RawBatchBody(path: url.path, byteCount: 0), receivedAt: Fixture.receivedAt, receivedOn: Fixture.receivedOn,
            mappingVersion: "m", records: [], rejections: [])
        guard case .committed(let stored) = try await store.commitBatch(submission) else {
            Issue.record("the empty batch was not committed")
            return
        }
        var chunks = 0
        for try await _ in try await store.rawBody(batchId: stored.receipt.batchId) { chunks += 1 }
        #expect(chunks == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func aBodyLongerThanStatedIsRefused(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let batch = TestBatch(number: "001", records: [Fixture.draft("CG-0601")])
        var submission = try batch.submission(spoolingIn: temporary)
        submission.body.byteCount -= 1
        await #expect {
            try await store.commitBatch(submission)
        } throws: { ($0 as? StoreError)?.code == .bodyMismatch }
        #expect(try await temporary.count("batch") == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnknownBatchHasNoBody(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        await #expect {
            try await store.rawBody(batchId: "B00000000000000000000")
        } throws: { ($0 as? StoreError)?.code == .notFound }
    }
}

/// Fast deterministic bytes that do not compress away.
struct XorShift {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func bytes(_ count: Int) -> Data {
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = next()
            for _ in 0..<min(8, count - index) {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return Data(bytes)
    }
}
