import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    public func rawBody(batchId: String) async throws -> RawBodyChunks {
        guard
            let row = try await withSession(
                "Reading a raw body failed.",
                { session in
                    try await session.row("SELECT body_size, body_sha256, body_chunk_count FROM batch WHERE id = \(batchId)")
                        .map {
                            (try $0("body_size", as: Int64.self), try $0("body_sha256", as: String.self), try $0("body_chunk_count", as: Int.self))
                        }
                })
        else {
            throw StoreError(.notFound, "There is no batch with this id.", context: ["batchId": batchId])
        }
        let (byteCount, bodySHA256, chunkCount) = row
        // Each chunk is its own short query: the stream may be consumed slowly (re-mapping as it goes) without
        // holding a connection or a transaction. Chunks never change once committed.
        return RawBodyChunks(batchId: batchId, byteCount: byteCount, bodySHA256: bodySHA256, chunkCount: chunkCount) { [self] index in
            guard
                let bytes = try await withSession(
                    "Reading a raw body chunk failed.",
                    { session in
                        try await session.row("SELECT bytes FROM batch_body_chunk WHERE batch_id = \(batchId) AND chunk_index = \(index)")
                            .map { try $0("bytes", as: Data.self) }
                    })
            else {
                throw StoreError(.corruptData, "A chunk of the stored raw body is missing.", context: ["batchId": batchId, "chunk": String(index)])
            }
            return bytes
        }
    }
}
