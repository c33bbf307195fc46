import ExchangeStandard

/// What the Credit Zhejiang publisher stand-in holds: returned by ``CreditZhejiangStandIn/state()`` and
/// `GET /_standin/state`.
public struct CreditZhejiangState: Codable, Sendable, Hashable {
    /// Per `creditRecordId`: the highest version seen, the current publication (absent when taken down or never
    /// published) and every change applied, in order.
    public var publications: [String: Publication] = [:]
    /// Publications taken down, in order.
    public var deletions: [Deletion] = []
    /// A request for a version lower than one already seen: must stay empty.
    public var orderingViolations: [OrderingViolation] = []
    /// Personal data or a 警告/通报批评-only record that arrived for publication: must stay empty.
    public var privacyViolations: [String] = []
    /// Requests refused with `400` by a rejection rule.
    public var rejections: [Rejection] = []
    /// Requests for a version already seen (answered as done): resends after lost answers.
    public var duplicateVersions = 0
    /// Protocol requests received, faulted ones included.
    public var requests = 0
    /// Distinct client connections that sent protocol requests.
    public var connections = 0
    /// Faults that took effect, by kind.
    public var faultsApplied: [String: Int] = [:]

    public struct Publication: Codable, Sendable, Hashable {
        /// The highest version any PUT or DELETE named.
        public var version: Int
        /// What is on the site now; `nil` once taken down.
        public var record: CreditRecord?
        /// Each change applied once, in order: `"put 1"`, `"put 2"`, `"delete 3"`.
        public var history: [String]

        public init(version: Int, record: CreditRecord?, history: [String]) {
            self.version = version
            self.record = record
            self.history = history
        }
    }

    public struct Deletion: Codable, Sendable, Hashable {
        public var creditRecordId: String
        public var version: Int

        public init(creditRecordId: String, version: Int) {
            self.creditRecordId = creditRecordId
            self.version = version
        }
    }

    public struct OrderingViolation: Codable, Sendable, Hashable {
        public var creditRecordId: String
        public var operation: String
        public var receivedVersion: Int
        public var heldVersion: Int

        public init(creditRecordId: String, operation: String, receivedVersion: Int, heldVersion: Int) {
            self.creditRecordId = creditRecordId
            self.operation = operation
            self.receivedVersion = receivedVersion
            self.heldVersion = heldVersion
        }
    }

    public struct Rejection: Codable, Sendable, Hashable {
        public var creditRecordId: String
        public var version: Int
        public var reason: String

        public init(creditRecordId: String, version: Int, reason: String) {
            self.creditRecordId = creditRecordId
            self.version = version
            self.reason = reason
        }
    }

    public init() {}
}
