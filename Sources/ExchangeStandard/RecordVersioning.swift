/// The versioning rule of the exchange (`spec/hub-record.md`), as one pure decision that the stores
/// and the stateless `translate` command share.
public enum RecordVersioning {
    /// What the gateway last accepted for a record id.
    public struct Latest: Hashable, Sendable {
        public var version: Int
        public var contentHash: String
        public var withdrawn: Bool

        public init(version: Int, contentHash: String, withdrawn: Bool) {
            self.version = version
            self.contentHash = contentHash
            self.withdrawn = withdrawn
        }
    }

    public enum Decision: Hashable, Sendable {
        /// Store a new version with this number and action.
        case newVersion(Int, RecordAction)
        /// Same content as the latest version (or a repeated withdrawal): nothing new to store or send.
        case unchanged(Int)
        /// A withdrawal of a record the gateway never accepted: there is nothing to take back.
        case withdrawUnknown
    }

    public static func decide(latest: Latest?, contentHash: String, withdraw: Bool) -> Decision {
        guard let latest else { return withdraw ? .withdrawUnknown : .newVersion(1, .publish) }
        if withdraw { return latest.withdrawn ? .unchanged(latest.version) : .newVersion(latest.version + 1, .withdraw) }
        // Content sent again after a withdrawal republishes it, even when it equals the withdrawn version.
        if latest.contentHash == contentHash && !latest.withdrawn { return .unchanged(latest.version) }
        return .newVersion(latest.version + 1, .correct)
    }
}
