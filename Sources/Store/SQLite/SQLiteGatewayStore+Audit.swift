import Foundation
import GRDB

extension SQLiteGatewayStore {
    /// Recomputes every link from the stored batches, in one read snapshot; see ``AuditChainWalk`` for the rules.
    public func verifyAuditChain(rehashBodies: Bool) async throws -> AuditVerification {
        try await read { db in
            var walk = AuditChainWalk()
            let links = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.seq, a.batch_id, a.previous_link_hash, a.body_sha256 AS link_body_sha256, a.receipt_sha256,
                           a.link_hash, b.id AS batch_found, b.body_sha256 AS batch_body_sha256, b.receipt_json,
                           b.body_chunk_count
                    FROM audit_link a LEFT JOIN batch b ON b.id = a.batch_id
                    ORDER BY a.seq
                    """)
            while let row = try links.next() {
                let link = StoredAuditLink(
                    sequence: row["seq"], batchId: row["batch_id"],
                    hashes: .init(
                        previousLinkHash: row["previous_link_hash"], bodySHA256: row["link_body_sha256"],
                        receiptSHA256: row["receipt_sha256"], linkHash: row["link_hash"]),
                    batch: (row["batch_found"] as String?) == nil
                        ? nil : (bodySHA256: row["batch_body_sha256"], receiptJSON: row["receipt_json"], chunkCount: row["body_chunk_count"]))
                if let broken = walk.check(link) {
                    return broken
                }
                if rehashBodies, let batch = link.batch {
                    let actual = try Self.hashStoredBody(db, batchId: link.batchId, chunkCount: batch.chunkCount)
                    if let broken = walk.checkBody(link, actualSHA256: actual) {
                        return broken
                    }
                }
                walk.accept(link)
            }

            if let unlinked = try String.fetchOne(
                db, sql: "SELECT b.id FROM batch b WHERE NOT EXISTS (SELECT 1 FROM audit_link a WHERE a.batch_id = b.id) LIMIT 1")
            {
                return walk.unlinked(batchId: unlinked)
            }
            return walk.intact
        }
    }

    private static func hashStoredBody(_ db: Database, batchId: String, chunkCount: Int) throws -> String {
        var hasher = StoredBodyHasher()
        let chunks = try Row.fetchCursor(
            db, sql: "SELECT chunk_index, bytes FROM batch_body_chunk WHERE batch_id = ? ORDER BY chunk_index", arguments: [batchId])
        while let row = try chunks.next() {
            hasher.add(index: row["chunk_index"], bytes: row["bytes"])
        }
        return hasher.result(chunkCount: chunkCount)
    }
}
