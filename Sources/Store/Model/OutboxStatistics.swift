import Foundation

/// Outbox depth of one destination, for operators and metrics.
public struct OutboxStatistics: Hashable, Sendable {
    public var destination: OutboxDestination
    public var pending: Int
    public var inflight: Int
    public var dead: Int
    /// Creation time of the oldest entry not yet delivered nor dead (pending or inflight); nil when none.
    public var oldestUndeliveredCreatedAt: Date?
    /// `now - oldestUndeliveredCreatedAt`, in seconds; zero when nothing waits.
    public var oldestUndeliveredAge: TimeInterval

    public init(
        destination: OutboxDestination, pending: Int, inflight: Int, dead: Int, oldestUndeliveredCreatedAt: Date?,
        oldestUndeliveredAge: TimeInterval
    ) {
        self.destination = destination
        self.pending = pending
        self.inflight = inflight
        self.dead = dead
        self.oldestUndeliveredCreatedAt = oldestUndeliveredCreatedAt
        self.oldestUndeliveredAge = oldestUndeliveredAge
    }
}

extension OutboxStatistics {
    /// One row per destination in `OutboxDestination.allCases` order, zeros where `counted` has none.
    static func everyDestination(_ counted: [OutboxDestination: OutboxStatistics]) -> [OutboxStatistics] {
        OutboxDestination.allCases.map {
            counted[$0]
                ?? OutboxStatistics(destination: $0, pending: 0, inflight: 0, dead: 0, oldestUndeliveredCreatedAt: nil, oldestUndeliveredAge: 0)
        }
    }
}
