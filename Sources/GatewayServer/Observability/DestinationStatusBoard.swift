import Delivery
import Foundation
import NIOConcurrencyHelpers
import Store

/// Where each receiver stands as its outbox worker sees it, for the console and the metrics.
///
/// The workers live in `serve`'s service group and the console in the HTTP application; this board is what they
/// share: workers report health changes into it (`OutboxWorker`'s `onHealthEvent`), pages read it.
public final class DestinationStatusBoard: Sendable {
    /// One receiver's state.
    public struct Status: Sendable, Hashable {
        /// Set while the worker has paused the receiver after repeated failures.
        public var failingSince: Date?
        public var consecutiveFailures: Int
        public var lastError: String?
        /// When the last outage ended.
        public var recoveredAt: Date?

        public var isFailing: Bool { failingSince != nil }
    }

    private let statuses = NIOLockedValueBox<[Store.OutboxDestination: Status]>([:])
    private let workers = NIOLockedValueBox<Set<Store.OutboxDestination>>([])
    private let metrics: GatewayMetrics?

    public init(metrics: GatewayMetrics? = nil) {
        self.metrics = metrics
    }

    /// Notes that a worker delivers to `destination` (a receiver without one is "not configured").
    public func register(_ destination: Delivery.OutboxDestination) {
        let destination = StoreOutboxQueue.storeDestination(destination)
        workers.withLockedValue { _ = $0.insert(destination) }
        metrics?.destinationFailing(destination, false)
    }

    /// Records a health change; pass it as an outbox worker's `onHealthEvent`.
    public func record(_ destination: Delivery.OutboxDestination, _ event: HealthEvent) {
        let destination = StoreOutboxQueue.storeDestination(destination)
        let failing = statuses.withLockedValue { statuses in
            var status = statuses[destination] ?? Status(consecutiveFailures: 0)
            switch event {
            case .startedFailing(let since, let failures, let lastError):
                status.failingSince = since
                status.consecutiveFailures = failures
                status.lastError = lastError
            case .recovered(_, let recoveredAt, _):
                status.failingSince = nil
                status.consecutiveFailures = 0
                status.recoveredAt = recoveredAt
            }
            statuses[destination] = status
            return status.isFailing
        }
        metrics?.destinationFailing(destination, failing)
    }

    /// Nil when no worker delivers to `destination` in this process.
    public func status(_ destination: Store.OutboxDestination) -> Status? {
        guard workers.withLockedValue({ $0.contains(destination) }) else { return nil }
        return statuses.withLockedValue { $0[destination] } ?? Status(consecutiveFailures: 0)
    }
}
