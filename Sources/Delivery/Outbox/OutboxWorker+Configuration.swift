import Foundation

extension OutboxWorker {
    /// How one worker claims and paces its destination.
    public struct Configuration: Sendable, Hashable {
        /// Lease owner name; unique per worker across all nodes.
        public var owner: String
        /// Items claimed per pass; `nil` takes the receiver's default: 500 for the hub (one POST, its maximum), 16 for
        /// Credit Zhejiang (one request each, `concurrency` at a time).
        public var batchSize: Int?
        /// Credit Zhejiang requests in flight at once (the hub gets one batch at a time).
        public var concurrency: Int
        /// How long claimed items stay leased; longer than a pass can take (requests × total timeout / concurrency).
        public var leaseSeconds: Int
        /// Wait between claims when the outbox has nothing due.
        public var idlePollInterval: Duration
        /// Wait after the outbox itself failed (a database error).
        public var queueErrorPause: Duration
        public var retry: RetryPolicy
        public var health: DestinationHealth.Configuration

        public init(
            owner: String = Configuration.defaultOwner,
            batchSize: Int? = nil,
            concurrency: Int = 4,
            leaseSeconds: Int = 300,
            idlePollInterval: Duration = .seconds(1),
            queueErrorPause: Duration = .seconds(5),
            retry: RetryPolicy = RetryPolicy(),
            health: DestinationHealth.Configuration = DestinationHealth.Configuration()
        ) {
            precondition((batchSize ?? 1) >= 1 && concurrency >= 1 && leaseSeconds >= 1)
            self.owner = owner
            self.batchSize = batchSize
            self.concurrency = concurrency
            self.leaseSeconds = leaseSeconds
            self.idlePollInterval = idlePollInterval
            self.queueErrorPause = queueErrorPause
            self.retry = retry
            self.health = health
        }

        /// `host-pid`: distinct per process, readable in the outbox table.
        public static var defaultOwner: String {
            "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        }
    }
}
