import Delivery
import Foundation
import GatewayServer
import Logging
import Store
import Testing

/// Outbox workers with test pacing (short retries and pauses), and a way to run them until a queue is empty.
enum TestDelivery {
    static func worker(_ receiver: OutboxWorker.Receiver, queue: StoreOutboxQueue, client: HTTPClient) -> OutboxWorker {
        var logger = Logger(label: "delivery-test")
        logger.logLevel = .error
        let configuration = OutboxWorker.Configuration(
            owner: "test-\(UUID().uuidString)", leaseSeconds: 30,
            retry: RetryPolicy(baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200), maximumAttempts: 8),
            health: .init(failureThreshold: 3, initialPause: .milliseconds(50), maximumPause: .milliseconds(200)))
        return OutboxWorker(receiver: receiver, queue: queue, client: client, configuration: configuration, logger: logger)
    }

    /// Runs passes until the destination's outbox is empty (or a bounded number of tries).
    static func drain(_ worker: OutboxWorker, store: any GatewayStore, destination: Store.OutboxDestination) async throws {
        for _ in 0..<200 {
            _ = await worker.runPass()
            let statistics = try await store.outboxStatistics(now: Date()).first { $0.destination == destination }
            if (statistics?.pending ?? 0) + (statistics?.inflight ?? 0) == 0 { return }
            try await Task.sleep(for: .milliseconds(30))
        }
        Issue.record("the \(destination) outbox did not drain")
    }
}
