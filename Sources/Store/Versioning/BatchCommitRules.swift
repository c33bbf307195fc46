import Foundation

/// Checks on a submission that do not need the database, shared by both stores.
enum BatchCommitRules {
    static func validate(_ submission: BatchSubmission) throws {
        guard !submission.sourceSystem.isEmpty else {
            throw StoreError(.invalidArgument, "A batch needs its source system.")
        }
        guard SHA256Digest.bytes(hex: submission.bodySHA256) != nil else {
            throw StoreError(
                .invalidArgument, "The body hash must be 64 hex digits of SHA-256.", context: ["bodySHA256": submission.bodySHA256])
        }
        guard submission.body.byteCount >= 0 else {
            throw StoreError(.invalidArgument, "A body cannot have a negative size.", context: ["path": submission.body.path])
        }
    }

    /// The answer to a submission whose key is already stored: the first receipt for the same body, a conflict for
    /// another one.
    static func existing(
        _ submission: BatchSubmission, batchId: String, bodySHA256: String, receiptJSON: String
    ) throws -> BatchCommitOutcome {
        guard bodySHA256 == submission.bodySHA256 else {
            return .conflict(BatchConflict(batchId: batchId, existingBodySHA256: bodySHA256, submittedBodySHA256: submission.bodySHA256))
        }
        return .duplicate(try StoredValues.storedReceipt(json: receiptJSON, batchId: batchId))
    }
}
