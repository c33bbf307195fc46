import Foundation

/// The outbox as the delivery workers need it. The store implements it (SQLite now, PostgreSQL later); the tests use
/// an in-memory one.
///
/// Contract, which keeps delivery at-least-once and each record's versions in order:
/// - ``claim(destination:limit:owner:leaseSeconds:now:)`` returns items of `destination` that are neither delivered
///   nor dead, whose next attempt is due (`nextAttemptAt <= now`) and that no live lease holds, oldest first, at most
///   `limit`; it leases them to `owner` until `now + leaseSeconds`.
///   **Per record, only the lowest version not yet delivered may be claimed**: nothing is returned for a `recordId`
///   while a lower version of it is waiting for a retry or leased by anyone. A dead lower version does not block
///   the next one: every version is a complete snapshot that supersedes the ones before (and a receiver treats a
///   lower version arriving later as a no-op), so a dead letter never stalls a record's later corrections.
/// - ``markDelivered(ids:owner:)``, ``markRetry(id:owner:nextAttemptAt:error:)``, ``markDead(id:owner:reason:)`` and
///   ``release(ids:owner:)`` apply only to items whose lease `owner` still holds; otherwise they do nothing (the
///   lease expired and another worker took over, which at worst sends the item twice, harmlessly).
/// - ``OutboxItem/attempts`` counts failed attempts: ``markRetry(id:owner:nextAttemptAt:error:)`` and
///   ``markDead(id:owner:reason:)`` increment it, ``release(ids:owner:)`` does not.
/// - Dead items keep their reason and stay visible to operators; replaying one makes it claimable again.
public protocol OutboxQueue: Sendable {
    func claim(destination: OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws -> [OutboxItem]
    func markDelivered(ids: [OutboxItem.ID], owner: String) async throws
    func markRetry(id: OutboxItem.ID, owner: String, nextAttemptAt: Date, error: String) async throws
    func markDead(id: OutboxItem.ID, owner: String, reason: String) async throws
    /// Gives claimed items back unattempted (shutdown, a paused destination, a version held back): claimable again at
    /// once, `attempts` unchanged.
    func release(ids: [OutboxItem.ID], owner: String) async throws
}

/// One record version waiting to reach one receiver.
public struct OutboxItem: Sendable, Hashable, Identifiable {
    public typealias ID = Int64

    public var id: ID
    public var destination: OutboxDestination
    /// `recordId` of a hub record, or `creditRecordId` of a credit record.
    public var recordId: String
    public var version: Int
    public var operation: OutboxOperation
    /// The record as stored (unmasked): a `HubRecord` for the trading hub, a `CreditRecord` for Credit Zhejiang. The
    /// delivery protocols apply ``PublicationPolicy`` before anything leaves.
    public var recordJSON: Data
    /// Failed attempts so far.
    public var attempts: Int

    public init(
        id: ID,
        destination: OutboxDestination,
        recordId: String,
        version: Int,
        operation: OutboxOperation,
        recordJSON: Data,
        attempts: Int = 0
    ) {
        self.id = id
        self.destination = destination
        self.recordId = recordId
        self.version = version
        self.operation = operation
        self.recordJSON = recordJSON
        self.attempts = attempts
    }
}

/// A receiver the outbox delivers to.
public enum OutboxDestination: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 省公共资源交易服务平台.
    case tradingHub = "trading-hub"
    /// 信用浙江 publisher.
    case creditZhejiang = "credit-zhejiang"

    public var description: String { rawValue }
}

/// What delivering an item does at the receiver.
public enum OutboxOperation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Trading hub: the record version goes into a batch POST (publish, correct and withdraw alike).
    case upsert
    /// Credit Zhejiang: PUT the publication (or take it down when the record must not be shown).
    case put
    /// Credit Zhejiang: DELETE the publication as of `version` (withdrawn, or its 公示期 is over).
    case delete
}
