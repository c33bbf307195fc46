import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    /// Recomputes every link from the stored batches, in one REPEATABLE READ snapshot; see ``AuditChainWalk``.
    ///
    /// Links are read in pages by `seq` (one connection runs one statement at a time, and re-hashing a body needs
    /// statements of its own between links).
    public func verifyAuditChain(rehashBodies: Bool) async throws -> AuditVerification {
        try await snapshot("Verifying the audit chain failed.") { session in
            var walk = AuditChainWalk()
            var after: Int64 = 0
            while true {
                let page = try await session.all(
                    """
                    SELECT a.seq, a.batch_id, a.previous_link_hash, a.body_sha256 AS link_body_sha256, a.receipt_sha256,
                           a.link_hash, b.id AS batch_found, b.body_sha256 AS batch_body_sha256, b.receipt_json,
                           b.body_chunk_count
                    FROM audit_link a LEFT JOIN batch b ON b.id = a.batch_id
                    WHERE a.seq > \(after) ORDER BY a.seq LIMIT 1000
                    """)
                if page.isEmpty { break }
                for row in page {
                    let found: String? = try row("batch_found")
                    let link = StoredAuditLink(
                        sequence: try row("seq"), batchId: try row("batch_id"),
                        hashes: .init(
                            previousLinkHash: try row("previous_link_hash"), bodySHA256: try row("link_body_sha256"),
                            receiptSHA256: try row("receipt_sha256"), linkHash: try row("link_hash")),
                        batch: found == nil
                            ? nil
                            : (
                                bodySHA256: try row("batch_body_sha256"), receiptJSON: try row("receipt_json"),
                                chunkCount: try row("body_chunk_count")
                            ))
                    if let broken = walk.check(link) {
                        return broken
                    }
                    if rehashBodies, let batch = link.batch {
                        var hasher = StoredBodyHasher()
                        try await session.forEach(
                            "SELECT chunk_index, bytes FROM batch_body_chunk WHERE batch_id = \(link.batchId) ORDER BY chunk_index"
                        ) { chunk in
                            hasher.add(index: try chunk("chunk_index"), bytes: try chunk("bytes"))
                        }
                        if let broken = walk.checkBody(link, actualSHA256: hasher.result(chunkCount: batch.chunkCount)) {
                            return broken
                        }
                    }
                    walk.accept(link)
                    after = link.sequence
                }
            }
            if let unlinked = try await session.row(
                "SELECT b.id FROM batch b WHERE NOT EXISTS (SELECT 1 FROM audit_link a WHERE a.batch_id = b.id) LIMIT 1")
            {
                return walk.unlinked(batchId: try unlinked("id"))
            }
            return walk.intact
        }
    }
}
