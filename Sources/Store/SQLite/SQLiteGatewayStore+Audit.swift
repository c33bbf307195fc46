import Crypto
import Foundation
import GRDB

extension SQLiteGatewayStore {
    /// Recomputes every link from the stored batches; see ``AuditVerification`` for the hash.
    ///
    /// The chain detects edits anywhere but at its very end: whoever rewrites the last batch and its link
    /// consistently leaves a valid chain. Operators anchor it by recording the head link hash elsewhere.
    public func verifyAuditChain(rehashBodies: Bool) async throws -> AuditVerification {
        try await read { db in
            var checked = 0
            var previousHex = SHA256Digest.hex(SHA256Digest.genesis)
            let links = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.seq, a.batch_id, a.previous_link_hash, a.body_sha256 AS link_body_sha256, a.receipt_sha256,
                           a.link_hash, b.id AS batch_found, b.body_sha256 AS batch_body_sha256, b.receipt_json,
                           b.body_size, b.body_chunk_count
                    FROM audit_link a LEFT JOIN batch b ON b.id = a.batch_id
                    ORDER BY a.seq
                    """)
            while let row = try links.next() {
                checked += 1
                let sequence: Int64 = row["seq"]
                let batchId: String = row["batch_id"]
                func broken(_ problem: BrokenAuditLink.Problem, expected: String, stored: String) -> AuditVerification {
                    AuditVerification(
                        linksChecked: checked,
                        firstBroken: BrokenAuditLink(sequence: sequence, batchId: batchId, problem: problem, expected: expected, stored: stored))
                }

                let storedPrevious: String = row["previous_link_hash"]
                guard storedPrevious == previousHex else {
                    return broken(.previousLinkMismatch, expected: previousHex, stored: storedPrevious)
                }
                guard (row["batch_found"] as String?) != nil else {
                    return broken(.missingLink, expected: "batch \(batchId)", stored: "no such batch")
                }
                let linkBody: String = row["link_body_sha256"]
                let batchBody: String = row["batch_body_sha256"]
                guard batchBody == linkBody else {
                    return broken(.bodyHashMismatch, expected: linkBody, stored: batchBody)
                }
                let receiptJSON: String = row["receipt_json"]
                let receiptDigest = SHA256Digest.bytes(of: Data(receiptJSON.utf8))
                let linkReceipt: String = row["receipt_sha256"]
                guard SHA256Digest.hex(receiptDigest) == linkReceipt else {
                    return broken(.receiptHashMismatch, expected: linkReceipt, stored: SHA256Digest.hex(receiptDigest))
                }
                let link = AuditChain.linkHash(
                    previous: SHA256Digest.bytes(hex: storedPrevious) ?? Data(), bodySHA256: SHA256Digest.bytes(hex: batchBody) ?? Data(),
                    receiptSHA256: receiptDigest)
                let storedLink: String = row["link_hash"]
                guard SHA256Digest.hex(link) == storedLink else {
                    return broken(.linkHashMismatch, expected: SHA256Digest.hex(link), stored: storedLink)
                }
                if rehashBodies {
                    let actual = try Self.hashStoredBody(db, batchId: batchId, chunkCount: row["body_chunk_count"])
                    guard actual == batchBody else {
                        return broken(.bodyContentMismatch, expected: batchBody, stored: actual)
                    }
                }
                previousHex = storedLink
            }

            if let unlinked = try String.fetchOne(
                db, sql: "SELECT b.id FROM batch b WHERE NOT EXISTS (SELECT 1 FROM audit_link a WHERE a.batch_id = b.id) LIMIT 1")
            {
                return AuditVerification(
                    linksChecked: checked,
                    firstBroken: BrokenAuditLink(sequence: 0, batchId: unlinked, problem: .missingLink, expected: "a link", stored: "none"))
            }
            return AuditVerification(linksChecked: checked, firstBroken: nil)
        }
    }

    private static func hashStoredBody(_ db: Database, batchId: String, chunkCount: Int) throws -> String {
        var hasher = SHA256()
        let chunks = try Row.fetchCursor(
            db, sql: "SELECT chunk_index, bytes FROM batch_body_chunk WHERE batch_id = ? ORDER BY chunk_index", arguments: [batchId])
        var expectedIndex = 0
        while let row = try chunks.next() {
            guard (row["chunk_index"] as Int) == expectedIndex else { return "chunk \(expectedIndex) missing" }
            let bytes: Data = row["bytes"]
            hasher.update(data: bytes)
            expectedIndex += 1
        }
        guard expectedIndex == chunkCount else { return "\(expectedIndex) of \(chunkCount) chunks" }
        return SHA256Digest.hex(hasher.finalize())
    }
}
