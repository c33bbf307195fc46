import Foundation

/// The raw body of a stored batch, read back chunk by chunk: memory stays at one chunk however large the body.
public struct RawBodyChunks: AsyncSequence, Sendable {
    public typealias Element = Data

    public let batchId: String
    public let byteCount: Int64
    /// The SHA-256 the batch was committed with; compare it with the hash of what you read.
    public let bodySHA256: String
    let chunkCount: Int
    let fetchChunk: @Sendable (Int) async throws -> Data

    /// For store implementations: `fetchChunk(i)` returns chunk `i` of `chunkCount`.
    public init(
        batchId: String, byteCount: Int64, bodySHA256: String, chunkCount: Int,
        fetchChunk: @escaping @Sendable (Int) async throws -> Data
    ) {
        self.batchId = batchId
        self.byteCount = byteCount
        self.bodySHA256 = bodySHA256
        self.chunkCount = chunkCount
        self.fetchChunk = fetchChunk
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let chunkCount: Int
        let fetchChunk: @Sendable (Int) async throws -> Data
        var index = 0

        public mutating func next() async throws -> Data? {
            guard index < chunkCount else { return nil }
            let chunk = try await fetchChunk(index)
            index += 1
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunkCount: chunkCount, fetchChunk: fetchChunk)
    }
}
