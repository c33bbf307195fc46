import ExchangeStandard

/// What the trading hub stand-in holds: returned by ``TradingHubStandIn/state()`` and `GET /_standin/state`.
public struct TradingHubState: Codable, Sendable, Hashable {
    /// Per `recordId`: the highest version accepted and every version applied, in the order applied.
    public var records: [String: HeldRecord] = [:]
    /// A version that arrived after a higher one of the same record: must stay empty.
    public var orderingViolations: [OrderingViolation] = []
    /// Personal data that arrived unmasked: must stay empty.
    public var privacyViolations: [String] = []
    /// Per-record rejections the stand-in answered.
    public var rejections: [Rejection] = []
    /// Batches handled (first answers, not replays).
    public var batches = 0
    /// Batches answered from the idempotency store (a repeated `deliveryId`).
    public var idempotentReplays = 0
    /// Records that arrived at the version already held (accepted as a no-op): resends after lost answers.
    public var duplicateVersions = 0
    /// Protocol requests received, faulted ones included.
    public var requests = 0
    /// Distinct client connections that sent protocol requests.
    public var connections = 0
    /// Faults that took effect, by kind.
    public var faultsApplied: [String: Int] = [:]

    public struct HeldRecord: Codable, Sendable, Hashable {
        public var version: Int
        /// Each applied once: `[1, 2, 3]`, never a repeat.
        public var appliedVersions: [Int]
        public var record: HubRecord

        public init(version: Int, appliedVersions: [Int], record: HubRecord) {
            self.version = version
            self.appliedVersions = appliedVersions
            self.record = record
        }
    }

    public struct OrderingViolation: Codable, Sendable, Hashable {
        public var recordId: String
        public var receivedVersion: Int
        public var heldVersion: Int
        public var deliveryId: String

        public init(recordId: String, receivedVersion: Int, heldVersion: Int, deliveryId: String) {
            self.recordId = recordId
            self.receivedVersion = receivedVersion
            self.heldVersion = heldVersion
            self.deliveryId = deliveryId
        }
    }

    public struct Rejection: Codable, Sendable, Hashable {
        public var recordId: String
        public var version: Int
        public var reason: String
        public var deliveryId: String

        public init(recordId: String, version: Int, reason: String, deliveryId: String) {
            self.recordId = recordId
            self.version = version
            self.reason = reason
            self.deliveryId = deliveryId
        }
    }

    public init() {}
}
