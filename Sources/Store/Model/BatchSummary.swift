import ExchangeStandard
import Foundation

/// Which batches an operator lists: newest committed first, narrowed by source and arrival day, one page at a time.
public struct BatchListQuery: Hashable, Sendable {
    public var sourceSystem: String?
    /// Beijing calendar days of arrival (`receivedOn`), inclusive.
    public var receivedOn: ClosedRange<LocalDate>?
    /// At most this many; nil for all (the console's day totals read every batch of the day).
    public var limit: Int?
    /// Skip this many of the newest first: a page is `offset ..< offset + limit`.
    public var offset: Int

    public init(sourceSystem: String? = nil, receivedOn: ClosedRange<LocalDate>? = nil, limit: Int? = 50, offset: Int = 0) {
        self.sourceSystem = sourceSystem
        self.receivedOn = receivedOn
        self.limit = limit
        self.offset = offset
    }
}

/// One line of the batch list: what arrived, when, and what its receipt said, without the records themselves.
public struct BatchSummary: Hashable, Sendable {
    public var batchId: String
    public var sourceSystem: String
    public var batchNumber: String?
    public var receivedAt: String
    public var receivedOn: LocalDate
    public var bodyByteCount: Int64
    public var mappingVersion: String
    public var counts: ReceiptCounts

    public init(
        batchId: String, sourceSystem: String, batchNumber: String?, receivedAt: String, receivedOn: LocalDate, bodyByteCount: Int64,
        mappingVersion: String, counts: ReceiptCounts
    ) {
        self.batchId = batchId
        self.sourceSystem = sourceSystem
        self.batchNumber = batchNumber
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
        self.bodyByteCount = bodyByteCount
        self.mappingVersion = mappingVersion
        self.counts = counts
    }
}

/// What a receipt comes to in numbers: one definition for every store implementation, the console and the metrics.
public struct ReceiptCounts: Hashable, Sendable {
    /// Accepted source records (any receipt action, `unchanged` included).
    public var accepted: Int
    /// Accepted source records that made a new version (publish, correct or withdraw).
    public var changed: Int
    public var rejected: Int
    /// Accepted records marked `late` that made a new version (a resend of a late record is not late again).
    public var late: Int
    /// Rejected source records per rule; a record that broke two rules counts under both, one that broke a rule twice once.
    public var rejectionsByRule: [String: Int]

    public init(accepted: Int = 0, changed: Int = 0, rejected: Int = 0, late: Int = 0, rejectionsByRule: [String: Int] = [:]) {
        self.accepted = accepted
        self.changed = changed
        self.rejected = rejected
        self.late = late
        self.rejectionsByRule = rejectionsByRule
    }

    public init(_ receipt: BatchReceipt) {
        var byRule: [String: Int] = [:]
        for rejection in receipt.rejected {
            for rule in Set(rejection.errors.map(\.rule)) { byRule[rule, default: 0] += 1 }
        }
        let changed = receipt.accepted.filter { $0.action != .unchanged }
        self.init(
            accepted: receipt.accepted.count, changed: changed.count, rejected: receipt.rejected.count, late: changed.filter(\.late).count,
            rejectionsByRule: byRule)
    }

    /// Sums of several receipts (a day's intake).
    public static func + (left: ReceiptCounts, right: ReceiptCounts) -> ReceiptCounts {
        ReceiptCounts(
            accepted: left.accepted + right.accepted, changed: left.changed + right.changed, rejected: left.rejected + right.rejected,
            late: left.late + right.late, rejectionsByRule: left.rejectionsByRule.merging(right.rejectionsByRule, uniquingKeysWith: +))
    }
}
