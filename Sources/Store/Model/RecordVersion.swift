import ExchangeStandard
import Foundation

/// What every stored record version carries besides the record itself.
public struct VersionProvenance: Hashable, Sendable {
    public var version: Int
    public var action: RecordAction
    public var contentHash: String
    public var batchId: String
    public var sourceSystem: String
    public var sourceRecordId: String
    public var receivedAt: String
    public var mappingVersion: String
    /// The mapping trace (opaque JSON).
    public var trace: Data
    /// Set when an operator replaced the payload after re-mapping the raw batch.
    public var remappedAt: Date?

    public init(
        version: Int, action: RecordAction, contentHash: String, batchId: String, sourceSystem: String,
        sourceRecordId: String, receivedAt: String, mappingVersion: String, trace: Data, remappedAt: Date?
    ) {
        self.version = version
        self.action = action
        self.contentHash = contentHash
        self.batchId = batchId
        self.sourceSystem = sourceSystem
        self.sourceRecordId = sourceRecordId
        self.receivedAt = receivedAt
        self.mappingVersion = mappingVersion
        self.trace = trace
        self.remappedAt = remappedAt
    }
}

/// One stored version of a hub record, with its deliveries.
public struct HubRecordVersion: Sendable {
    public var record: HubRecord
    /// The stored JSON, byte for byte what the hub is sent.
    public var json: Data
    public var provenance: VersionProvenance
    public var deliveries: [OutboxEntry]

    public init(record: HubRecord, json: Data, provenance: VersionProvenance, deliveries: [OutboxEntry]) {
        self.record = record
        self.json = json
        self.provenance = provenance
        self.deliveries = deliveries
    }
}

/// One stored version of a credit record, with its deliveries and its place in the feed.
public struct CreditRecordVersion: Sendable {
    public var record: CreditRecord
    /// The stored JSON (unmasked).
    public var json: Data
    public var provenance: VersionProvenance
    public var publishOnCreditZhejiang: Bool
    /// The cursor right after this version in the credit feed.
    public var feedPosition: FeedCursor
    public var deliveries: [OutboxEntry]

    public init(
        record: CreditRecord, json: Data, provenance: VersionProvenance, publishOnCreditZhejiang: Bool,
        feedPosition: FeedCursor, deliveries: [OutboxEntry]
    ) {
        self.record = record
        self.json = json
        self.provenance = provenance
        self.publishOnCreditZhejiang = publishOnCreditZhejiang
        self.feedPosition = feedPosition
        self.deliveries = deliveries
    }
}
