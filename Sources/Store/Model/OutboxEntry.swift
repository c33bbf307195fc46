import Foundation

/// A receiver the outbox delivers to.
public enum OutboxDestination: String, Hashable, Sendable, Codable, CaseIterable {
    /// The provincial trading hub: gets every hub record version.
    case hub
    /// The Credit Zhejiang publisher: gets the publishable credit record versions and their takedowns.
    case publisher
}

/// What a delivery does at the receiver.
public enum OutboxOperation: String, Hashable, Sendable, Codable, CaseIterable {
    /// Hub: `POST records:batch` with the version.
    case upsert
    /// Publisher: `PUT publications/{id}` with the (masked) version.
    case put
    /// Publisher: `DELETE publications/{id}?version=N`.
    case delete
}

/// Where an outbox entry is in its life.
public enum OutboxState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Waiting for `nextAttemptAt`, or for an earlier version of the same record to finish.
    case pending
    /// Claimed by a worker whose lease has not been released; claimable again once the lease expires.
    case inflight
    case delivered
    /// Given up on, with ``OutboxEntry/deadReason``; an operator can replay it.
    case dead
}

/// One delivery of one record version to one destination.
public struct OutboxEntry: Hashable, Sendable, Codable {
    public var id: Int64
    public var destination: OutboxDestination
    /// The hub `recordId` (destination `hub`) or the `creditRecordId` (destination `publisher`).
    public var recordId: String
    /// The record version delivered; the payload is that stored version.
    public var version: Int
    public var operation: OutboxOperation
    /// The batch that created the entry; nil for a publicity takedown.
    public var batchId: String?
    public var sourceSystem: String
    public var state: OutboxState
    /// How many times a worker claimed it (a claim is an attempt, even if the worker then crashed).
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    public var deadReason: String?
    public var deadAt: Date?
    /// Why a takedown was enqueued outside a batch (publicity expired …).
    public var takedownReason: String?

    public init(
        id: Int64, destination: OutboxDestination, recordId: String, version: Int, operation: OutboxOperation,
        batchId: String?, sourceSystem: String, state: OutboxState, attempts: Int, nextAttemptAt: Date,
        leaseOwner: String? = nil, leaseExpiresAt: Date? = nil, lastError: String? = nil, createdAt: Date,
        deliveredAt: Date? = nil, deadReason: String? = nil, deadAt: Date? = nil, takedownReason: String? = nil
    ) {
        self.id = id
        self.destination = destination
        self.recordId = recordId
        self.version = version
        self.operation = operation
        self.batchId = batchId
        self.sourceSystem = sourceSystem
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.deadReason = deadReason
        self.deadAt = deadAt
        self.takedownReason = takedownReason
    }
}

/// An entry a worker claimed, with the stored record version to send.
public struct ClaimedOutboxEntry: Hashable, Sendable {
    public var entry: OutboxEntry
    /// The record version's stored JSON (a hub record or an unmasked credit record: masking is the worker's job).
    public var payload: Data

    public init(entry: OutboxEntry, payload: Data) {
        self.entry = entry
        self.payload = payload
    }
}
