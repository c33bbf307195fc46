/// A misbehaviour a stand-in shows on demand, through ``TradingHubStandIn/inject(_:)`` and
/// ``CreditZhejiangStandIn/inject(_:)`` or as JSON through `POST /_standin/faults`.
///
/// Request faults (`status`, `delay`, `drop`) apply to the next `count` protocol requests, in the order injected; the
/// admin routes under `/_standin` are never affected. Rejection rules (`rejectRecord`, `rejectWhereFieldContains`)
/// stay until cleared.
///
/// JSON examples:
/// ```
/// {"kind": "status", "status": 503, "retryAfterSeconds": 1, "count": 2}
/// {"kind": "delay", "milliseconds": 1500, "when": "beforeHandling"}
/// {"kind": "drop", "when": "afterHandling"}
/// {"kind": "rejectRecord", "recordId": "hub-1", "reason": "unknown region"}
/// {"kind": "rejectWhereFieldContains", "field": "title", "text": "测试", "reason": "test record"}
/// ```
public struct StandInFault: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        /// Answer with `status` (and `Retry-After: retryAfterSeconds` when given) without handling the request.
        case status
        /// A slow receiver: wait `milliseconds` after handling the request (a slow answer, the default) or before.
        case delay
        /// Close the connection without answering, before or after handling the request.
        case drop
        /// Refuse the record with this `recordId` (hub: per-record rejection; publisher: `400`).
        case rejectRecord
        /// Refuse records whose top-level string `field` contains `text`.
        case rejectWhereFieldContains
    }

    /// When a delay or a dropped connection happens.
    public enum FaultPoint: String, Codable, Sendable, Hashable {
        /// Before the request is handled: a drop leaves the receiver's state unchanged; a delay holds the request back
        /// (it is applied late, possibly after the client gave up).
        case beforeHandling
        /// After the request is handled (state changed, idempotent answer stored): a drop means the client cannot know
        /// it succeeded; a delay is a slow answer.
        case afterHandling
    }

    public var kind: Kind
    /// Requests affected (request faults); default 1.
    public var count: Int?
    public var status: Int?
    public var retryAfterSeconds: Int?
    public var milliseconds: Int?
    public var when: FaultPoint?
    public var recordId: String?
    public var field: String?
    public var text: String?
    public var reason: String?

    public init(
        kind: Kind,
        count: Int? = nil,
        status: Int? = nil,
        retryAfterSeconds: Int? = nil,
        milliseconds: Int? = nil,
        when: FaultPoint? = nil,
        recordId: String? = nil,
        field: String? = nil,
        text: String? = nil,
        reason: String? = nil
    ) {
        self.kind = kind
        self.count = count
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.milliseconds = milliseconds
        self.when = when
        self.recordId = recordId
        self.field = field
        self.text = text
        self.reason = reason
    }

    /// The next `count` requests answer `status`, with `Retry-After` when `retryAfterSeconds` is given.
    public static func status(_ status: Int, retryAfterSeconds: Int? = nil, count: Int = 1) -> Self {
        Self(kind: .status, count: count, status: status, retryAfterSeconds: retryAfterSeconds)
    }

    /// The next `count` requests are answered only after `milliseconds`, handled `when` (default: at once, so that only
    /// the answer is slow).
    public static func delay(milliseconds: Int, when: FaultPoint = .afterHandling, count: Int = 1) -> Self {
        Self(kind: .delay, count: count, milliseconds: milliseconds, when: when)
    }

    /// The next `count` requests lose their connection without an answer.
    public static func drop(_ when: FaultPoint, count: Int = 1) -> Self {
        Self(kind: .drop, count: count, when: when)
    }

    public static func rejectRecord(id: String, reason: String) -> Self {
        Self(kind: .rejectRecord, recordId: id, reason: reason)
    }

    public static func rejectWhere(field: String, contains text: String, reason: String) -> Self {
        Self(kind: .rejectWhereFieldContains, field: field, text: text, reason: reason)
    }

    /// Whether the fault is complete enough to apply; the admin route answers `400` otherwise.
    var problem: String? {
        switch kind {
        case .status: status.map { (100...599).contains($0) } == true ? nil : "status needs a status code 100…599"
        case .delay: (milliseconds ?? -1) >= 0 ? nil : "delay needs milliseconds ≥ 0"
        case .drop: when == nil ? "drop needs when: beforeHandling or afterHandling" : nil
        case .rejectRecord: recordId == nil ? "rejectRecord needs recordId" : nil
        case .rejectWhereFieldContains: field == nil || text == nil ? "rejectWhereFieldContains needs field and text" : nil
        }
    }

    var isRequestFault: Bool {
        kind == .status || kind == .delay || kind == .drop
    }
}
