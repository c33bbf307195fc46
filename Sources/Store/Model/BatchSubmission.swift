import ExchangeStandard
import Foundation

/// Everything one posted batch produced, handed to ``GatewayStore/commitBatch(_:)`` to be stored in one transaction.
public struct BatchSubmission: Sendable {
    /// The department system that posted it (its configured id).
    public var sourceSystem: String
    /// The source's own batch number; nil when the source gives none, and then the body's hash is the batch key.
    public var batchNumber: String?
    /// SHA-256 of the raw body, hex (stored and compared in lower case).
    public var bodySHA256: String
    public var body: RawBatchBody
    /// When the gateway received the batch, RFC 3339 with offset (`2024-10-08T09:30:00+08:00`).
    public var receivedAt: String
    /// The calendar day of ``receivedAt`` in China Standard Time: the day lateness is counted against.
    public var receivedOn: LocalDate
    /// Hash of the mapping files used, so that a record version says which mapping produced it.
    public var mappingVersion: String
    /// The source records that passed mapping and validation, in the order of the batch.
    public var records: [RecordDraft]
    /// The source records that did not, with their reasons.
    public var rejections: [RejectionDraft]

    public init(
        sourceSystem: String, batchNumber: String?, bodySHA256: String, body: RawBatchBody, receivedAt: String,
        receivedOn: LocalDate, mappingVersion: String, records: [RecordDraft], rejections: [RejectionDraft]
    ) {
        self.sourceSystem = sourceSystem
        self.batchNumber = batchNumber
        self.bodySHA256 = bodySHA256.lowercased()
        self.body = body
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
        self.mappingVersion = mappingVersion
        self.records = records
        self.rejections = rejections
    }

    /// The key a resend is recognised by; see ``BatchKey``.
    public var key: BatchKey {
        BatchKey(sourceSystem: sourceSystem, batchNumber: batchNumber, bodySHA256: bodySHA256)
    }

    /// The gateway batch id every node derives for this submission.
    public var batchId: String { key.batchId }
}
