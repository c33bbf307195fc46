import Crypto
import Foundation

/// Reads a spooled batch body in fixed-size chunks for copying into the store, hashing as it goes, and checks at
/// the end that it has the byte count and SHA-256 the submission states.
///
/// Both stores copy bodies as chunk rows (SQLite `BLOB`, PostgreSQL `bytea`), so memory stays at one chunk however
/// large the body; only how a chunk is inserted differs.
final class SpooledBodyReader {
    private let submission: BatchSubmission
    private let chunkSize: Int
    private let handle: FileHandle
    private var hasher = SHA256()
    private var total: Int64 = 0
    private var finished = false

    /// The number of chunk rows a body of `byteCount` bytes takes.
    static func chunkCount(byteCount: Int64, chunkSize: Int) -> Int {
        Int((byteCount + Int64(chunkSize) - 1) / Int64(chunkSize))
    }

    init(_ submission: BatchSubmission, chunkSize: Int) throws {
        self.submission = submission
        self.chunkSize = chunkSize
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: submission.body.path))
        } catch {
            throw StoreError(
                .bodyMismatch, "The spooled batch body cannot be read.", context: ["path": submission.body.path], underlying: error)
        }
    }

    deinit {
        try? handle.close()
    }

    /// The next chunk, nil at the end of the file or once more bytes than stated were read (``finish()`` then throws).
    func next() throws -> Data? {
        guard !finished else { return nil }
        let chunk = try handle.read(upToCount: chunkSize) ?? Data()
        if chunk.isEmpty {
            finished = true
            return nil
        }
        hasher.update(data: chunk)
        total += Int64(chunk.count)
        guard total <= submission.body.byteCount else {
            finished = true
            return nil
        }
        return chunk
    }

    /// Throws ``StoreError/Code/bodyMismatch`` unless exactly the stated bytes with the stated hash were read.
    func finish() throws {
        let hash = SHA256Digest.hex(hasher.finalize())
        let body = submission.body
        guard total == body.byteCount, hash == submission.bodySHA256 else {
            throw StoreError(
                .bodyMismatch, "The spooled batch body does not match its stated size and SHA-256.",
                context: [
                    "path": body.path, "statedBytes": String(body.byteCount), "statedSHA256": submission.bodySHA256,
                    "readBytes": total > body.byteCount ? "more than stated" : String(total), "readSHA256": hash,
                ])
        }
    }
}

/// Re-hashes a stored body from its chunk rows, read in `chunk_index` order, for ``GatewayStore/verifyAuditChain(rehashBodies:)``.
struct StoredBodyHasher {
    private var hasher = SHA256()
    private var expectedIndex = 0
    private var gap: String?

    mutating func add(index: Int, bytes: Data) {
        guard gap == nil else { return }
        guard index == expectedIndex else {
            gap = "chunk \(expectedIndex) missing"
            return
        }
        hasher.update(data: bytes)
        expectedIndex += 1
    }

    /// The body's SHA-256, or what is wrong with its chunks (compared with the batch's hash, either way a mismatch).
    func result(chunkCount: Int) -> String {
        if let gap { return gap }
        guard expectedIndex == chunkCount else { return "\(expectedIndex) of \(chunkCount) chunks" }
        return SHA256Digest.hex(hasher.finalize())
    }
}
