/// The result of walking the audit chain.
///
/// Each committed batch appends a link `SHA-256(previous ‖ bodySHA256 ‖ SHA-256(receipt JSON))` over the raw
/// 32-byte digests (32 zero bytes before the first link), so changing a stored receipt, a body hash, or a link
/// breaks every hash from there on.
public struct AuditVerification: Hashable, Sendable {
    /// How many links were checked.
    public var linksChecked: Int
    /// The first link that does not hold, nil when the chain is intact.
    public var firstBroken: BrokenAuditLink?

    public init(linksChecked: Int, firstBroken: BrokenAuditLink?) {
        self.linksChecked = linksChecked
        self.firstBroken = firstBroken
    }

    public var isIntact: Bool { firstBroken == nil }
}

/// Where and how the audit chain breaks.
public struct BrokenAuditLink: Hashable, Sendable, CustomStringConvertible {
    public enum Problem: String, Hashable, Sendable {
        /// The link does not point at the hash of the link before it (a link was removed, inserted or edited).
        case previousLinkMismatch = "previous_link_mismatch"
        /// The batch's body hash differs from the one the link was made with.
        case bodyHashMismatch = "body_hash_mismatch"
        /// The stored receipt no longer hashes to what the link was made with.
        case receiptHashMismatch = "receipt_hash_mismatch"
        /// The link hash is not the hash of its inputs.
        case linkHashMismatch = "link_hash_mismatch"
        /// The stored body chunks do not hash to the batch's body hash (only checked when re-hashing bodies).
        case bodyContentMismatch = "body_content_mismatch"
        /// A batch has no link, or a link has no batch.
        case missingLink = "missing_link"
    }

    /// The link's position in the chain (0 when a batch has no link at all).
    public var sequence: Int64
    public var batchId: String
    public var problem: Problem
    /// What the hash should be, recomputed from the stored data.
    public var expected: String
    /// What is stored.
    public var stored: String

    public init(sequence: Int64, batchId: String, problem: Problem, expected: String, stored: String) {
        self.sequence = sequence
        self.batchId = batchId
        self.problem = problem
        self.expected = expected
        self.stored = stored
    }

    public var description: String {
        "audit link \(sequence) (batch \(batchId)): \(problem.rawValue), expected \(expected), stored \(stored)"
    }
}
