/// When to try a failed delivery again, and when to give up.
///
/// Exponential backoff with full jitter (a uniformly random delay between zero and `min(maximumDelay, baseDelay ·
/// 2^(attempt−1))`), which spreads retries of many records after a shared outage instead of sending them back in
/// lockstep.
///
/// `Retry-After` is a floor, not a replacement: the delay is `max(Retry-After, jittered backoff)`. A receiver that
/// asks for 1 s keeps getting at least 1 s, and one that keeps asking for 1 s while failing still sees the backoff
/// grow. A `Retry-After` above ``maximumRetryAfter`` is capped there, so a misconfigured receiver cannot park records
/// for days; it may exceed ``maximumDelay``, as the receiver knows best when it is back.
public struct RetryPolicy: Sendable, Hashable {
    public var baseDelay: Duration
    public var maximumDelay: Duration
    /// Attempts in total, the first included; the attempt that fails as number `maximumAttempts` dead-letters the
    /// record with the last reason.
    public var maximumAttempts: Int
    public var maximumRetryAfter: Duration

    public init(
        baseDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(600),
        maximumAttempts: Int = 20,
        maximumRetryAfter: Duration = .seconds(3600)
    ) {
        precondition(maximumAttempts >= 1, "at least one attempt")
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// What to do after attempt number `attempt` (1 for the first) ended with `outcome`.
    public func decide(_ outcome: DeliveryOutcome, attempt: Int) -> RetryDecision {
        var generator = SystemRandomNumberGenerator()
        return decide(outcome, attempt: attempt, using: &generator)
    }

    /// ``decide(_:attempt:)`` with the jitter drawn from `generator` (tests pass a seeded one).
    public func decide(_ outcome: DeliveryOutcome, attempt: Int, using generator: inout some RandomNumberGenerator) -> RetryDecision {
        switch outcome {
        case .delivered:
            return .done
        case .rejected(let reason):
            return .dead(reason: reason)
        case .throttled(let retryAfter, let reason):
            guard attempt < maximumAttempts else { return .dead(reason: giveUpReason(reason)) }
            let floor = min(retryAfter, maximumRetryAfter)
            return .retry(after: max(floor, backoff(attempt: attempt, using: &generator)), reason: reason)
        case .failed(let reason):
            guard attempt < maximumAttempts else { return .dead(reason: giveUpReason(reason)) }
            return .retry(after: backoff(attempt: attempt, using: &generator), reason: reason)
        }
    }

    /// The ceiling of the jittered delay after attempt `attempt`: `min(maximumDelay, baseDelay · 2^(attempt−1))`.
    public func backoffCeiling(attempt: Int) -> Duration {
        // Beyond 2^30 every realistic base exceeds any realistic maximum; capping the exponent avoids overflow.
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = baseDelay * (1 << exponent)
        return min(ceiling, maximumDelay)
    }

    /// A uniformly random delay in `0...backoffCeiling(attempt:)` (full jitter).
    public func backoff(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(attempt: attempt)
        let nanoseconds = ceiling.nanosecondsClamped
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    private func giveUpReason(_ reason: String) -> String {
        "gave up after \(maximumAttempts) attempts; last: \(reason)"
    }
}

/// What the outbox does with an item after an attempt.
public enum RetryDecision: Sendable, Hashable {
    /// Delivered: mark it so.
    case done
    /// Try again no earlier than `after` from now; `reason` is stored as the item's last error.
    case retry(after: Duration, reason: String)
    /// Dead letter with `reason`, for an operator to read and replay.
    case dead(reason: String)
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a `Double` for date arithmetic.
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
