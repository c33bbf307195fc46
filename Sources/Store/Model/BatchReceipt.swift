import ExchangeStandard
import Foundation

/// What the gateway answers for a batch: every accepted record with its gateway ids and versions, every
/// rejected one with its reasons.
///
/// Stored as JSON with the batch, hashed into the audit chain, and returned byte for byte on a resend
/// (``StoredReceipt/json``), so its encoding is fixed: sorted keys, absent optionals omitted.
public struct BatchReceipt: Hashable, Sendable, Codable {
    public var batchId: String
    public var sourceSystem: String
    public var batchNumber: String?
    public var bodySHA256: String
    public var receivedAt: String
    public var mappingVersion: String
    public var accepted: [AcceptedRecord]
    public var rejected: [RejectionDraft]

    public init(
        batchId: String, sourceSystem: String, batchNumber: String?, bodySHA256: String, receivedAt: String,
        mappingVersion: String, accepted: [AcceptedRecord], rejected: [RejectionDraft]
    ) {
        self.batchId = batchId
        self.sourceSystem = sourceSystem
        self.batchNumber = batchNumber
        self.bodySHA256 = bodySHA256
        self.receivedAt = receivedAt
        self.mappingVersion = mappingVersion
        self.accepted = accepted
        self.rejected = rejected
    }
}

/// What happened to one accepted source record.
public struct AcceptedRecord: Hashable, Sendable, Codable {
    public var sourceRecordId: String
    /// The hub record's gateway id.
    public var recordId: String
    /// The hub record's version after this batch: the new one, or the existing one when ``action`` is `unchanged`.
    public var version: Int
    public var action: ReceiptAction
    public var dueOn: LocalDate
    public var late: Bool
    /// Ids of the credit records derived from the record, in the order of ``credits``.
    public var creditRecordIds: [String]
    public var credits: [AcceptedCredit]

    public init(
        sourceRecordId: String, recordId: String, version: Int, action: ReceiptAction, dueOn: LocalDate, late: Bool,
        credits: [AcceptedCredit]
    ) {
        self.sourceRecordId = sourceRecordId
        self.recordId = recordId
        self.version = version
        self.action = action
        self.dueOn = dueOn
        self.late = late
        self.creditRecordIds = credits.map(\.creditRecordId)
        self.credits = credits
    }
}

/// What happened to one credit record of an accepted source record.
public struct AcceptedCredit: Hashable, Sendable, Codable {
    public var creditRecordId: String
    public var version: Int
    public var action: ReceiptAction

    public init(creditRecordId: String, version: Int, action: ReceiptAction) {
        self.creditRecordId = creditRecordId
        self.version = version
        self.action = action
    }
}

/// A record version's action, or `unchanged` when a resend matched the latest version and made none.
public enum ReceiptAction: String, Hashable, Sendable, Codable, CaseIterable {
    case publish
    case correct
    case withdraw
    case unchanged

    init(_ action: RecordAction) {
        switch action {
        case .publish: self = .publish
        case .correct: self = .correct
        case .withdraw: self = .withdraw
        }
    }
}

/// A receipt together with the exact bytes that were stored, hashed and first sent.
public struct StoredReceipt: Hashable, Sendable {
    public var receipt: BatchReceipt
    /// The stored JSON; answer with these bytes rather than re-encoding ``receipt``.
    public var json: Data

    public init(receipt: BatchReceipt, json: Data) {
        self.receipt = receipt
        self.json = json
    }
}

/// The result of ``GatewayStore/commitBatch(_:)``.
public enum BatchCommitOutcome: Hashable, Sendable {
    /// The batch is stored and durable.
    case committed(StoredReceipt)
    /// The same batch (same key, same body hash) was committed before; nothing was written. The first receipt.
    case duplicate(StoredReceipt)
    /// The key was used before for a different body; nothing was written.
    case conflict(BatchConflict)
}

/// A batch number reused for different content.
public struct BatchConflict: Hashable, Sendable {
    public var batchId: String
    public var existingBodySHA256: String
    public var submittedBodySHA256: String

    public init(batchId: String, existingBodySHA256: String, submittedBodySHA256: String) {
        self.batchId = batchId
        self.existingBodySHA256 = existingBodySHA256
        self.submittedBodySHA256 = submittedBodySHA256
    }
}
