import Foundation

/// Per-source admission: at most N batches in flight and a request-rate token bucket, so one noisy
/// department system cannot starve the others.
public actor SourceGate {
    public enum Decision: Sendable, Equatable {
        case admitted
        /// Refused; retry after this many seconds.
        case refused(retryAfter: Int, reason: String)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private let concurrentLimit: Int
    private let perMinute: Int
    private var inFlight: [String: Int] = [:]
    private var buckets: [String: Bucket] = [:]

    public init(concurrentLimit: Int, perMinute: Int) {
        self.concurrentLimit = max(1, concurrentLimit)
        self.perMinute = max(1, perMinute)
    }

    public func enter(_ source: String, now: Date = Date()) -> Decision {
        var bucket = buckets[source] ?? Bucket(tokens: Double(perMinute), updated: now)
        let refill = now.timeIntervalSince(bucket.updated) * Double(perMinute) / 60
        bucket.tokens = min(Double(perMinute), bucket.tokens + refill)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[source] = bucket
            let wait = Int(((1 - bucket.tokens) * 60 / Double(perMinute)).rounded(.up))
            return .refused(retryAfter: max(1, wait), reason: "rate")
        }
        guard inFlight[source, default: 0] < concurrentLimit else {
            buckets[source] = bucket
            return .refused(retryAfter: 1, reason: "concurrency")
        }
        bucket.tokens -= 1
        buckets[source] = bucket
        inFlight[source, default: 0] += 1
        return .admitted
    }

    public func leave(_ source: String) {
        inFlight[source] = max(0, inFlight[source, default: 0] - 1)
    }
}
