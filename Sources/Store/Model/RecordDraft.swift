import ExchangeStandard
import Foundation

/// One accepted source record, as mapping and validation produced it, before the store versions it.
///
/// The store decides `version` and `action` of the hub record and of each credit record inside the commit
/// transaction (placeholders here are overwritten), and sets `source.batchId` to the gateway batch id.
/// Everything else is stored as given.
public struct RecordDraft: Sendable {
    /// The source's own id of the record, as the receipt reports it.
    public var sourceRecordId: String
    /// The hub record; `recordId` is already the deterministic gateway id.
    public var hub: HubRecord
    /// Hash of the hub record's content as the caller defines it (without version, action, batch or
    /// reception time): equal hashes mean a resend changed nothing. The store compares, never computes, it.
    public var contentHash: String
    /// The credit records derived from this source record (one per subject).
    public var credits: [CreditDraft]
    /// The source flagged the record as withdrawn (撤销).
    public var withdraw: Bool
    /// How mapping got from the source fields to the record (opaque JSON), kept with the version for operators.
    public var trace: Data

    public init(
        sourceRecordId: String, hub: HubRecord, contentHash: String, credits: [CreditDraft] = [], withdraw: Bool = false,
        trace: Data = Data("{}".utf8)
    ) {
        self.sourceRecordId = sourceRecordId
        self.hub = hub
        self.contentHash = contentHash
        self.credits = credits
        self.withdraw = withdraw
        self.trace = trace
    }
}

/// A credit record derived from a ``RecordDraft``, versioned independently of its hub record.
public struct CreditDraft: Sendable {
    /// The credit record; `creditRecordId` and `hubRecordId` are already set, `version`/`action` are placeholders.
    public var record: CreditRecord
    /// Content hash of the credit record, as for ``RecordDraft/contentHash``.
    public var contentHash: String
    /// Whether this version may be shown on Credit Zhejiang (not for penalties that are only 警告/通报批评).
    public var publishOnCreditZhejiang: Bool
    /// Mapping trace for this credit record; the source record's trace when empty.
    public var trace: Data?

    public init(record: CreditRecord, contentHash: String, publishOnCreditZhejiang: Bool, trace: Data? = nil) {
        self.record = record
        self.contentHash = contentHash
        self.publishOnCreditZhejiang = publishOnCreditZhejiang
        self.trace = trace
    }
}
