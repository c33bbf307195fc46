import Delivery
import Foundation
import NIOConcurrencyHelpers
import Store

/// The store's outbox as the delivery workers consume it.
///
/// Store and Delivery each name destinations in their own terms (the store does not know HTTP receivers, the
/// workers do not know SQL), so this adapter is the one place that translates between them. It is also where
/// delivery metrics are taken: every attempt passes here as a claim followed by exactly one outcome.
public struct StoreOutboxQueue: OutboxQueue {
    public let store: any GatewayStore
    let metrics: GatewayMetrics?
    private let claims = ClaimClock()

    public init(store: any GatewayStore, metrics: GatewayMetrics? = nil) {
        self.store = store
        self.metrics = metrics
    }

    static func storeDestination(_ destination: Delivery.OutboxDestination) -> Store.OutboxDestination {
        switch destination {
        case .tradingHub: .hub
        case .creditZhejiang: .publisher
        }
    }

    public func claim(destination: Delivery.OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws -> [OutboxItem] {
        let claimed = try await store.claimOutbox(
            destination: Self.storeDestination(destination), limit: limit, owner: owner, leaseSeconds: leaseSeconds, now: now)
        if metrics != nil { claims.start(claimed.map(\.entry)) }
        return claimed.map { claimed in
            OutboxItem(
                id: claimed.entry.id, destination: destination, recordId: claimed.entry.recordId, version: claimed.entry.version,
                operation: Delivery.OutboxOperation(rawValue: claimed.entry.operation.rawValue) ?? .upsert, recordJSON: claimed.payload,
                attempts: claimed.entry.attempts)
        }
    }

    public func markDelivered(ids: [OutboxItem.ID], owner: String) async throws {
        let now = Date()
        let marked = try await store.markDelivered(ids: ids, owner: owner, now: now)
        for claim in claims.finish(marked) {
            metrics?.deliveryAttempt(destination: claim.destination, outcome: .delivered, duration: claim.started.duration(to: .now))
            metrics?.delivered(destination: claim.destination, waited: now.timeIntervalSince(claim.createdAt))
        }
        claims.forget(ids)
    }

    public func markRetry(id: OutboxItem.ID, owner: String, nextAttemptAt: Date, error: String) async throws {
        let marked = try await store.markRetry(id: id, owner: owner, nextAttemptAt: nextAttemptAt, error: error)
        for claim in claims.finish(marked ? [id] : []) {
            metrics?.deliveryAttempt(destination: claim.destination, outcome: .retry, duration: claim.started.duration(to: .now))
        }
        claims.forget([id])
    }

    public func markDead(id: OutboxItem.ID, owner: String, reason: String) async throws {
        let marked = try await store.markDead(id: id, owner: owner, reason: reason, now: Date())
        for claim in claims.finish(marked ? [id] : []) {
            metrics?.deliveryAttempt(destination: claim.destination, outcome: .dead, duration: claim.started.duration(to: .now))
        }
        claims.forget([id])
    }

    /// Gives claimed items back untried (a destination paused mid-pass): due again at once, and no attempt counted.
    public func release(ids: [OutboxItem.ID], owner: String) async throws {
        claims.forget(ids)
        for id in ids {
            _ = try await store.markRetry(id: id, owner: owner, nextAttemptAt: Date(), error: "released untried")
        }
    }
}

/// When each claimed entry was claimed, so that its outcome can be timed; entries leave at their outcome.
private final class ClaimClock: Sendable {
    struct Claim: Sendable {
        var destination: Store.OutboxDestination
        var started: ContinuousClock.Instant
        var createdAt: Date
    }

    /// Bounded so that entries whose outcome never comes back here (a lease lost to another node) cannot pile up.
    static let capacity = 10_000
    private let claims = NIOLockedValueBox<[Int64: Claim]>([:])

    func start(_ entries: [OutboxEntry]) {
        let now = ContinuousClock.now
        claims.withLockedValue { claims in
            if claims.count + entries.count > Self.capacity { claims.removeAll() }
            for entry in entries { claims[entry.id] = Claim(destination: entry.destination, started: now, createdAt: entry.createdAt) }
        }
    }

    func finish(_ ids: [Int64]) -> [Claim] {
        claims.withLockedValue { claims in ids.compactMap { claims.removeValue(forKey: $0) } }
    }

    func forget(_ ids: [Int64]) {
        claims.withLockedValue { claims in
            for id in ids { claims.removeValue(forKey: id) }
        }
    }
}
