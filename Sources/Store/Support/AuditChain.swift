import Crypto
import Foundation

/// The audit chain's hash: `SHA-256(previous ‖ bodySHA256 ‖ SHA-256(receipt JSON))` over raw 32-byte digests.
///
/// Shared by every store implementation, so that a chain exported from SQLite verifies the same in PostgreSQL.
enum AuditChain {
    static func linkHash(previous: Data, bodySHA256: Data, receiptSHA256: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: bodySHA256)
        hasher.update(data: receiptSHA256)
        return Data(hasher.finalize())
    }

    /// The link to append after `previousHex` (nil before the first link) for a batch with this body hash and receipt.
    static func nextLink(previousHex: String?, bodySHA256: String, receiptJSON: Data) -> StoredAuditLink.Hashes {
        let previous = previousHex.flatMap(SHA256Digest.bytes(hex:)) ?? SHA256Digest.genesis
        let receiptDigest = SHA256Digest.bytes(of: receiptJSON)
        let link = linkHash(previous: previous, bodySHA256: SHA256Digest.bytes(hex: bodySHA256) ?? Data(), receiptSHA256: receiptDigest)
        return StoredAuditLink.Hashes(
            previousLinkHash: SHA256Digest.hex(previous), bodySHA256: bodySHA256, receiptSHA256: SHA256Digest.hex(receiptDigest),
            linkHash: SHA256Digest.hex(link))
    }
}

/// One `audit_link` row joined with its batch, as both stores read them for verification.
struct StoredAuditLink: Sendable {
    /// The hashes a link row stores (hex).
    struct Hashes: Hashable, Sendable {
        var previousLinkHash: String
        var bodySHA256: String
        var receiptSHA256: String
        var linkHash: String
    }

    var sequence: Int64
    var batchId: String
    var hashes: Hashes
    /// The batch's stored body hash and receipt; nil when the batch row is missing.
    var batch: (bodySHA256: String, receiptJSON: String, chunkCount: Int)?
}

/// Walks the audit chain link by link and names the first broken one: the verification rules, apart from SQL.
///
/// The chain detects edits anywhere but at its very end: whoever rewrites the last batch and its link
/// consistently leaves a valid chain. Operators anchor it by recording the head link hash elsewhere.
struct AuditChainWalk {
    private(set) var linksChecked = 0
    private var previousHex = SHA256Digest.hex(SHA256Digest.genesis)

    /// Checks the next link in `seq` order; a verification naming it when it is broken, nil when it holds (then
    /// the caller may check its body and must ``accept(_:)`` it).
    mutating func check(_ link: StoredAuditLink) -> AuditVerification? {
        linksChecked += 1
        let stored = link.hashes
        guard stored.previousLinkHash == previousHex else {
            return broken(link, .previousLinkMismatch, expected: previousHex, stored: stored.previousLinkHash)
        }
        guard let batch = link.batch else {
            return broken(link, .missingLink, expected: "batch \(link.batchId)", stored: "no such batch")
        }
        guard batch.bodySHA256 == stored.bodySHA256 else {
            return broken(link, .bodyHashMismatch, expected: stored.bodySHA256, stored: batch.bodySHA256)
        }
        let receiptDigest = SHA256Digest.bytes(of: Data(batch.receiptJSON.utf8))
        guard SHA256Digest.hex(receiptDigest) == stored.receiptSHA256 else {
            return broken(link, .receiptHashMismatch, expected: stored.receiptSHA256, stored: SHA256Digest.hex(receiptDigest))
        }
        let recomputed = AuditChain.linkHash(
            previous: SHA256Digest.bytes(hex: stored.previousLinkHash) ?? Data(),
            bodySHA256: SHA256Digest.bytes(hex: batch.bodySHA256) ?? Data(), receiptSHA256: receiptDigest)
        guard SHA256Digest.hex(recomputed) == stored.linkHash else {
            return broken(link, .linkHashMismatch, expected: SHA256Digest.hex(recomputed), stored: stored.linkHash)
        }
        return nil
    }

    /// A verification naming the link when its re-hashed body differs from the batch's body hash.
    func checkBody(_ link: StoredAuditLink, actualSHA256: String) -> AuditVerification? {
        guard let batch = link.batch, actualSHA256 != batch.bodySHA256 else { return nil }
        return broken(link, .bodyContentMismatch, expected: batch.bodySHA256, stored: actualSHA256)
    }

    /// Moves past a link that held.
    mutating func accept(_ link: StoredAuditLink) {
        previousHex = link.hashes.linkHash
    }

    /// The result when a batch has no link at all.
    func unlinked(batchId: String) -> AuditVerification {
        AuditVerification(
            linksChecked: linksChecked,
            firstBroken: BrokenAuditLink(sequence: 0, batchId: batchId, problem: .missingLink, expected: "a link", stored: "none"))
    }

    var intact: AuditVerification {
        AuditVerification(linksChecked: linksChecked, firstBroken: nil)
    }

    private func broken(_ link: StoredAuditLink, _ problem: BrokenAuditLink.Problem, expected: String, stored: String) -> AuditVerification {
        AuditVerification(
            linksChecked: linksChecked,
            firstBroken: BrokenAuditLink(sequence: link.sequence, batchId: link.batchId, problem: problem, expected: expected, stored: stored))
    }
}
