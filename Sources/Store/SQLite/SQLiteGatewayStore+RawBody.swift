import Foundation
import GRDB

extension SQLiteGatewayStore {
    public func rawBody(batchId: String) async throws -> RawBodyChunks {
        guard
            let (byteCount, bodySHA256, chunkCount) = try await read({ db -> (Int64, String, Int)? in
                try Row.fetchOne(db, sql: "SELECT body_size, body_sha256, body_chunk_count FROM batch WHERE id = ?", arguments: [batchId])
                    .map { ($0["body_size"], $0["body_sha256"], $0["body_chunk_count"]) }
            })
        else {
            throw StoreError(.notFound, "There is no batch with this id.", context: ["batchId": batchId])
        }
        // Each chunk is its own short read: the stream may be consumed slowly (re-mapping as it goes) without
        // holding a read transaction, which would keep SQLite from checkpointing the WAL. Chunks never change once
        // committed, so reading them in separate snapshots is safe.
        return RawBodyChunks(
            batchId: batchId, byteCount: byteCount, bodySHA256: bodySHA256, chunkCount: chunkCount
        ) { [self] index in
            guard
                let bytes = try await read({ db in
                    try Data.fetchOne(
                        db, sql: "SELECT bytes FROM batch_body_chunk WHERE batch_id = ? AND chunk_index = ?", arguments: [batchId, index])
                })
            else {
                throw StoreError(.corruptData, "A chunk of the stored raw body is missing.", context: ["batchId": batchId, "chunk": String(index)])
            }
            return bytes
        }
    }
}
