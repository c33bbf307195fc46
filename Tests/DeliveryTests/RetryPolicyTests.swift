import Testing

@testable import Delivery

/// A deterministic generator (SplitMix64) so jittered delays can be checked exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy(baseDelay: .seconds(1), maximumDelay: .seconds(60), maximumAttempts: 5, maximumRetryAfter: .seconds(600))

    @Test("the backoff ceiling doubles per attempt up to the maximum")
    func ceiling() {
        #expect(policy.backoffCeiling(attempt: 1) == .seconds(1))
        #expect(policy.backoffCeiling(attempt: 2) == .seconds(2))
        #expect(policy.backoffCeiling(attempt: 4) == .seconds(8))
        #expect(policy.backoffCeiling(attempt: 7) == .seconds(60))
        #expect(policy.backoffCeiling(attempt: 10_000) == .seconds(60))
    }

    @Test("full jitter: delays spread over 0…ceiling")
    func jitter() {
        var generator = SeededGenerator(state: 42)
        let delays = (0..<2000).map { _ in policy.backoff(attempt: 4, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(delays.contains { $0 < .seconds(1) })
        #expect(delays.contains { $0 > .seconds(7) })
    }

    @Test("delivered is done; a rejection is dead at once with its reason")
    func terminal() {
        #expect(policy.decide(.delivered, attempt: 1) == .done)
        #expect(policy.decide(.rejected(reason: "bad region"), attempt: 1) == .dead(reason: "bad region"))
    }

    @Test("failures retry with backoff until the last attempt, which dead-letters with the last reason")
    func failures() {
        var generator = SeededGenerator(state: 7)
        for attempt in 1..<5 {
            guard case .retry(let delay, let reason) = policy.decide(.failed(reason: "503"), attempt: attempt, using: &generator) else {
                Issue.record("attempt \(attempt) should retry")
                continue
            }
            #expect(delay <= policy.backoffCeiling(attempt: attempt))
            #expect(reason == "503")
        }
        #expect(policy.decide(.failed(reason: "reset"), attempt: 5) == .dead(reason: "gave up after 5 attempts; last: reset"))
    }

    @Test("Retry-After is a floor under the jittered backoff")
    func retryAfterFloor() {
        var generator = SeededGenerator(state: 1)
        for _ in 0..<200 {
            let decision = policy.decide(.throttled(retryAfter: .seconds(3), reason: "429"), attempt: 1, using: &generator)
            // Attempt 1: backoff ≤ 1 s, so Retry-After decides.
            #expect(decision == .retry(after: .seconds(3), reason: "429"))
        }
        var above = 0
        for _ in 0..<200 {
            guard case .retry(let delay, _) = policy.decide(.throttled(retryAfter: .seconds(3), reason: "429"), attempt: 4, using: &generator)
            else {
                Issue.record("attempt 4 of 5 should retry")
                continue
            }
            // Attempt 4: backoff up to 8 s; never less than Retry-After.
            #expect(delay >= .seconds(3) && delay <= .seconds(8))
            if delay > .seconds(3) { above += 1 }
        }
        #expect(above > 0)
    }

    @Test("an absurd Retry-After is capped; one above the maximum backoff is still honoured")
    func retryAfterCap() {
        var generator = SeededGenerator(state: 3)
        let capped = policy.decide(.throttled(retryAfter: .seconds(86_400), reason: "429"), attempt: 1, using: &generator)
        #expect(capped == .retry(after: .seconds(600), reason: "429"))
        let long = policy.decide(.throttled(retryAfter: .seconds(120), reason: "503"), attempt: 1, using: &generator)
        #expect(long == .retry(after: .seconds(120), reason: "503"))
    }

    @Test("throttling also runs out of attempts")
    func throttledGivesUp() {
        let decision = policy.decide(.throttled(retryAfter: .seconds(1), reason: "429"), attempt: 5)
        #expect(decision == .dead(reason: "gave up after 5 attempts; last: 429"))
    }
}
