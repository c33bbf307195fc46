import ExchangeStandard
import Foundation

/// A stored batch as operators see it: its receipt and where each record version it made stands in delivery.
public struct BatchDetails: Sendable {
    public var batchId: String
    public var sourceSystem: String
    public var batchNumber: String?
    public var bodySHA256: String
    public var bodyByteCount: Int64
    public var receivedAt: String
    public var receivedOn: LocalDate
    public var mappingVersion: String
    public var receipt: StoredReceipt
    /// Hub record versions this batch created, in batch order.
    public var hubVersions: [VersionDeliveries]
    /// Credit record versions this batch created, in commit (feed) order.
    public var creditVersions: [VersionDeliveries]

    public init(
        batchId: String, sourceSystem: String, batchNumber: String?, bodySHA256: String, bodyByteCount: Int64,
        receivedAt: String, receivedOn: LocalDate, mappingVersion: String, receipt: StoredReceipt,
        hubVersions: [VersionDeliveries], creditVersions: [VersionDeliveries]
    ) {
        self.batchId = batchId
        self.sourceSystem = sourceSystem
        self.batchNumber = batchNumber
        self.bodySHA256 = bodySHA256
        self.bodyByteCount = bodyByteCount
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
        self.mappingVersion = mappingVersion
        self.receipt = receipt
        self.hubVersions = hubVersions
        self.creditVersions = creditVersions
    }
}

/// A record version with its outbox entries (one per destination and operation).
public struct VersionDeliveries: Hashable, Sendable {
    public var recordId: String
    public var version: Int
    public var action: RecordAction
    public var deliveries: [OutboxEntry]

    public init(recordId: String, version: Int, action: RecordAction, deliveries: [OutboxEntry]) {
        self.recordId = recordId
        self.version = version
        self.action = action
        self.deliveries = deliveries
    }

    /// The state of the delivery to `destination` (the latest entry for it), nil when none was due.
    public func state(for destination: OutboxDestination) -> OutboxState? {
        deliveries.last { $0.destination == destination }?.state
    }
}
