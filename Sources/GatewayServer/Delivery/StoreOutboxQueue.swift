import Delivery
import Foundation
import Store

/// The store's outbox as the delivery workers consume it.
///
/// Store and Delivery each name destinations in their own terms (the store does not know HTTP receivers, the
/// workers do not know SQL), so this adapter is the one place that translates between them.
public struct StoreOutboxQueue: OutboxQueue {
    public let store: any GatewayStore

    public init(store: any GatewayStore) {
        self.store = store
    }

    static func storeDestination(_ destination: Delivery.OutboxDestination) -> Store.OutboxDestination {
        switch destination {
        case .tradingHub: .hub
        case .creditZhejiang: .publisher
        }
    }

    public func claim(destination: Delivery.OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws -> [OutboxItem] {
        try await store.claimOutbox(destination: Self.storeDestination(destination), limit: limit, owner: owner, leaseSeconds: leaseSeconds, now: now)
            .map { claimed in
                OutboxItem(
                    id: claimed.entry.id, destination: destination, recordId: claimed.entry.recordId, version: claimed.entry.version,
                    operation: Delivery.OutboxOperation(rawValue: claimed.entry.operation.rawValue) ?? .upsert, recordJSON: claimed.payload,
                    attempts: claimed.entry.attempts)
            }
    }

    public func markDelivered(ids: [OutboxItem.ID], owner: String) async throws {
        _ = try await store.markDelivered(ids: ids, owner: owner, now: Date())
    }

    public func markRetry(id: OutboxItem.ID, owner: String, nextAttemptAt: Date, error: String) async throws {
        _ = try await store.markRetry(id: id, owner: owner, nextAttemptAt: nextAttemptAt, error: error)
    }

    public func markDead(id: OutboxItem.ID, owner: String, reason: String) async throws {
        _ = try await store.markDead(id: id, owner: owner, reason: reason, now: Date())
    }

    /// Gives claimed items back untried (a destination paused mid-pass): due again at once.
    public func release(ids: [OutboxItem.ID], owner: String) async throws {
        for id in ids {
            _ = try await store.markRetry(id: id, owner: owner, nextAttemptAt: Date(), error: "released untried")
        }
    }
}
