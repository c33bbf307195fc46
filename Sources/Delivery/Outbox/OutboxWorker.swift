import Foundation
import Logging

/// Delivers one destination's outbox: claims due items, sends them with the receiver's protocol, and records each
/// item's fate (delivered, retry later, dead letter) back in the queue.
///
/// Applies ``RetryPolicy`` per item and ``DestinationHealth`` per destination: when the receiver keeps failing, the
/// worker pauses the whole destination (probing with one item at a time) and reports one
/// ``HealthEvent/startedFailing(since:consecutiveFailures:lastError:)`` and one
/// ``HealthEvent/recovered(failingSince:recoveredAt:failedRequests:)`` per outage.
///
/// ``run()`` loops until its task is cancelled; a swift-service-lifecycle `Service` can wrap it as is.
public actor OutboxWorker {
    /// The receiver a worker delivers to, with its protocol.
    public enum Receiver: Sendable {
        case tradingHub(HubDeliveryProtocol)
        case creditZhejiang(PublisherDeliveryProtocol)

        public var destination: OutboxDestination {
            switch self {
            case .tradingHub: .tradingHub
            case .creditZhejiang: .creditZhejiang
            }
        }
    }

    /// What one pass did, which decides how long ``run()`` waits before the next.
    public enum PassResult: Sendable, Hashable {
        /// Items were claimed and handled: claim again at once.
        case worked(items: Int)
        /// Nothing due.
        case idle
        /// The destination is resting after repeated failures.
        case paused(Duration)
        /// The outbox could not be read.
        case queueError
    }

    public let receiver: Receiver
    public let configuration: Configuration
    /// The destination's current health, for the console and tests.
    public private(set) var health: DestinationHealth
    let queue: any OutboxQueue
    let client: HTTPClient
    let logger: Logger
    let onHealthEvent: @Sendable (OutboxDestination, HealthEvent) -> Void

    /// - Parameter onHealthEvent: called with each health change (alerting, metrics); the worker also logs it.
    public init(
        receiver: Receiver,
        queue: any OutboxQueue,
        client: HTTPClient,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "credit-gateway.delivery"),
        onHealthEvent: @escaping @Sendable (OutboxDestination, HealthEvent) -> Void = { _, _ in }
    ) {
        self.receiver = receiver
        self.queue = queue
        self.client = client
        self.configuration = configuration
        self.health = DestinationHealth(configuration: configuration.health)
        var logger = logger
        logger[metadataKey: "outbox.destination"] = "\(receiver.destination)"
        logger[metadataKey: "outbox.owner"] = "\(configuration.owner)"
        self.logger = logger
        self.onHealthEvent = onHealthEvent
    }

    public var destination: OutboxDestination { receiver.destination }

    /// Claims and delivers until the task is cancelled. Requests in flight at cancellation are aborted and their items
    /// released unattempted.
    public func run() async {
        logger.info("outbox worker started", metadata: ["curl": "\(HTTPClient.curlVersion)"])
        while !Task.isCancelled {
            let wait: Duration? =
                switch await runPass() {
                case .worked: nil
                case .idle: configuration.idlePollInterval
                case .paused(let pause): pause
                case .queueError: configuration.queueErrorPause
                }
            if let wait {
                // Returns early (throwing) on cancellation; the loop condition then ends the worker.
                try? await Task.sleep(for: wait)
            }
        }
        logger.info("outbox worker stopped")
    }

    /// One claim-and-deliver pass.
    public func runPass() async -> PassResult {
        if let pause = health.remainingPause(now: Date()) {
            return .paused(pause)
        }
        // A degraded destination is probed with a single item rather than a full batch.
        let limit = health.isDegraded ? 1 : batchLimit
        let claimed: [OutboxItem]
        do {
            claimed = try await queue.claim(
                destination: destination,
                limit: limit,
                owner: configuration.owner,
                leaseSeconds: configuration.leaseSeconds,
                now: Date()
            )
        } catch {
            logger.error("cannot claim from the outbox", metadata: ["error": "\(error)"])
            return .queueError
        }
        guard !claimed.isEmpty else { return .idle }

        let (items, heldBack) = Self.lowestVersionPerRecord(claimed)
        if !heldBack.isEmpty {
            logger.warning(
                "claim returned several versions of one record; later ones held back",
                metadata: ["outbox.items": "\(heldBack.map(\.id))"]
            )
            await release(heldBack)
        }
        switch receiver {
        case .tradingHub(let hub):
            await deliverBatch(items, with: hub)
        case .creditZhejiang(let publisher):
            await deliverPublications(items, with: publisher)
        }
        return .worked(items: claimed.count)
    }

    private var batchLimit: Int {
        switch receiver {
        case .tradingHub: min(configuration.batchSize ?? HubDeliveryProtocol.maxRecordsPerBatch, HubDeliveryProtocol.maxRecordsPerBatch)
        case .creditZhejiang: configuration.batchSize ?? 16
        }
    }

    /// The queue promises one version per record per claim; should it not, only the lowest goes now, so that a record's
    /// versions never reach the receiver out of order.
    static func lowestVersionPerRecord(_ items: [OutboxItem]) -> (send: [OutboxItem], heldBack: [OutboxItem]) {
        var lowest: [String: OutboxItem] = [:]
        for item in items where lowest[item.recordId].map({ item.version < $0.version }) ?? true {
            lowest[item.recordId] = item
        }
        let chosen = Set(lowest.values.map(\.id))
        return (items.filter { chosen.contains($0.id) }, items.filter { !chosen.contains($0.id) })
    }

    // MARK: - Recording results

    /// Feeds the health state machine with one request's result, logging and reporting a state change.
    func recordRequest(_ result: DestinationHealth.RequestResult) {
        for event in health.record(result, now: Date()) {
            switch event {
            case .startedFailing(let since, let failures, let lastError):
                logger.error(
                    "destination is failing; pausing deliveries",
                    metadata: ["failing.since": "\(since)", "failures": "\(failures)", "error": "\(lastError)"]
                )
            case .recovered(let since, let recoveredAt, let failures):
                logger.notice(
                    "destination recovered",
                    metadata: [
                        "failing.since": "\(since)", "outage.seconds": "\(recoveredAt.timeIntervalSince(since))",
                        "failures": "\(failures)",
                    ]
                )
            }
            onHealthEvent(destination, event)
        }
    }

    /// Applies the retry policy to `item`'s outcome and stores the decision.
    func settle(_ item: OutboxItem, outcome: DeliveryOutcome, logger: Logger) async -> RetryDecision {
        let decision = configuration.retry.decide(outcome, attempt: item.attempts + 1)
        var logger = logger
        logger[metadataKey: "outbox.item"] = "\(item.id)"
        logger[metadataKey: "record.id"] = "\(item.recordId)"
        logger[metadataKey: "record.version"] = "\(item.version)"
        do {
            switch decision {
            case .done:
                try await queue.markDelivered(ids: [item.id], owner: configuration.owner)
                logger.debug("delivered")
            case .retry(let delay, let reason):
                let next = Date().addingTimeInterval(delay.secondsDouble)
                try await queue.markRetry(id: item.id, owner: configuration.owner, nextAttemptAt: next, error: reason)
                logger.debug("will retry", metadata: ["retry.after": "\(delay)", "attempt": "\(item.attempts + 1)", "error": "\(reason)"])
            case .dead(let reason):
                try await queue.markDead(id: item.id, owner: configuration.owner, reason: reason)
                logger.error("dead letter", metadata: ["attempt": "\(item.attempts + 1)", "reason": "\(reason)"])
            }
        } catch {
            // The lease will expire and the item be sent again: the receivers make that harmless.
            logger.error("cannot record the delivery result in the outbox", metadata: ["error": "\(error)"])
        }
        return decision
    }

    /// Dead-letters an item that cannot even be turned into a request (unreadable stored JSON, wrong operation).
    func bury(_ item: OutboxItem, reason: String) async {
        _ = await settle(item, outcome: .rejected(reason: reason), logger: logger)
    }

    /// Gives items back unattempted.
    func release(_ items: [OutboxItem]) async {
        guard !items.isEmpty else { return }
        do {
            try await queue.release(ids: items.map(\.id), owner: configuration.owner)
        } catch {
            logger.error("cannot release outbox items", metadata: ["error": "\(error)", "outbox.items": "\(items.map(\.id))"])
        }
    }

    /// Sends `request`; `nil` when the task was cancelled meanwhile (the outcome is then unknown, not a failure).
    nonisolated func send(_ request: OutboundRequest) async -> Result<OutboundResponse, TransportError>? {
        let result: Result<OutboundResponse, TransportError>
        do {
            result = .success(try await client.send(request))
        } catch {
            result = .failure(error)
        }
        if case .failure(let error) = result, error.kind == .cancelled, Task.isCancelled {
            return nil
        }
        return result
    }
}
