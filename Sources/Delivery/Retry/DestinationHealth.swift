import Foundation

/// Whether a receiver is answering, per destination: a small state machine the outbox worker feeds with every
/// request's result.
///
/// `healthy` → `degraded` after ``Configuration/failureThreshold`` consecutive failed requests; while degraded the
/// whole destination is paused (no claims), for a pause that doubles with every further failure up to
/// ``Configuration/maximumPause``; the first success returns it to `healthy`. An outage yields exactly one
/// ``HealthEvent/startedFailing(since:consecutiveFailures:lastError:)`` and one
/// ``HealthEvent/recovered(failingSince:recoveredAt:failedRequests:)``, however many records it holds up, so operators
/// get one alert, not one per record.
public struct DestinationHealth: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// Consecutive failed requests that make the destination degraded.
        public var failureThreshold: Int
        /// The pause after the request that crossed the threshold.
        public var initialPause: Duration
        public var maximumPause: Duration

        public init(failureThreshold: Int = 3, initialPause: Duration = .seconds(1), maximumPause: Duration = .seconds(300)) {
            precondition(failureThreshold >= 1, "the threshold counts at least one failure")
            self.failureThreshold = failureThreshold
            self.initialPause = initialPause
            self.maximumPause = maximumPause
        }
    }

    /// A request's result as the health state machine sees it.
    public enum RequestResult: Sendable, Hashable {
        /// The receiver answered (delivered or a permanent, per-record refusal).
        case success
        /// No usable answer: throttled, `5xx`, timeout, broken connection.
        case failure(reason: String)
    }

    public let configuration: Configuration
    public private(set) var isDegraded = false
    /// Failed requests since the last success.
    public private(set) var consecutiveFailures = 0
    /// The first failure of the current streak.
    public private(set) var failingSince: Date?
    /// While degraded: no request before this instant.
    public private(set) var pausedUntil: Date?
    public private(set) var lastFailure: String?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Feeds one request's result; returns the events of a state change (none, or exactly one).
    public mutating func record(_ result: RequestResult, now: Date) -> [HealthEvent] {
        switch result {
        case .success:
            defer {
                isDegraded = false
                consecutiveFailures = 0
                failingSince = nil
                pausedUntil = nil
                lastFailure = nil
            }
            guard isDegraded, let since = failingSince else { return [] }
            return [.recovered(failingSince: since, recoveredAt: now, failedRequests: consecutiveFailures)]

        case .failure(let reason):
            consecutiveFailures += 1
            lastFailure = reason
            if failingSince == nil { failingSince = now }
            guard consecutiveFailures >= configuration.failureThreshold else { return [] }
            pausedUntil = now.addingTimeInterval(currentPause.secondsDouble)
            guard !isDegraded else { return [] }
            isDegraded = true
            return [.startedFailing(since: failingSince ?? now, consecutiveFailures: consecutiveFailures, lastError: reason)]
        }
    }

    /// How long the destination should still rest at `now`; `nil` when requests may go.
    public func remainingPause(now: Date) -> Duration? {
        guard isDegraded, let pausedUntil, pausedUntil > now else { return nil }
        return .milliseconds(Int64((pausedUntil.timeIntervalSince(now) * 1000).rounded(.up)))
    }

    /// `initialPause · 2^(failures beyond the threshold)`, capped at `maximumPause`.
    var currentPause: Duration {
        let exponent = min(max(consecutiveFailures - configuration.failureThreshold, 0), 30)
        return min(configuration.initialPause * (1 << exponent), configuration.maximumPause)
    }
}

/// A change of a destination's health, for alerts and logs.
public enum HealthEvent: Sendable, Hashable {
    /// The destination stopped answering: raised once per outage.
    case startedFailing(since: Date, consecutiveFailures: Int, lastError: String)
    /// It answers again: raised once, when the outage ends.
    case recovered(failingSince: Date, recoveredAt: Date, failedRequests: Int)
}
