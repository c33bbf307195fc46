import Foundation

/// Which dead letters an operator wants to see or replay. Every set field narrows the selection.
public struct DeadLetterFilter: Hashable, Sendable {
    public var destination: OutboxDestination?
    public var sourceSystem: String?
    /// Case-sensitive substring of the dead reason (the receiver's answer).
    public var reasonContains: String?
    /// Died at or after.
    public var deadSince: Date?
    /// Died before.
    public var deadBefore: Date?
    /// At most this many, oldest first; nil for all.
    public var limit: Int?

    public init(
        destination: OutboxDestination? = nil, sourceSystem: String? = nil, reasonContains: String? = nil,
        deadSince: Date? = nil, deadBefore: Date? = nil, limit: Int? = nil
    ) {
        self.destination = destination
        self.sourceSystem = sourceSystem
        self.reasonContains = reasonContains
        self.deadSince = deadSince
        self.deadBefore = deadBefore
        self.limit = limit
    }
}

/// The dead letters ``GatewayStore/replayDeadLetters(_:now:)`` puts back to pending.
public enum DeadLetterSelection: Hashable, Sendable {
    /// These entries (ids that are not dead are ignored).
    case ids([Int64])
    case matching(DeadLetterFilter)
}
