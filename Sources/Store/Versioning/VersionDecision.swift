import ExchangeStandard

/// The latest stored version of a hub or credit record, as versioning needs it.
struct LatestVersion: Hashable, Sendable {
    var version: Int
    var action: RecordAction
    var contentHash: String
}

/// What a batch does to one hub or credit record: a new version, or nothing.
///
/// Shared by every store implementation; each one decides inside its commit transaction, after reading the
/// latest version under the transaction's protection, so that two nodes cannot both create version n+1.
enum VersionDecision: Hashable, Sendable {
    case new(version: Int, action: RecordAction)
    case unchanged(version: Int)
    /// A withdrawal of a record the gateway never accepted: the source record is rejected.
    case withdrawUnknown

    /// The exchange's versioning rule lives in `ExchangeStandard.RecordVersioning`, shared with `translate`;
    /// this only adapts it to the rows the store reads.
    init(latest: LatestVersion?, contentHash: String, withdraw: Bool) {
        let previous = latest.map { RecordVersioning.Latest(version: $0.version, contentHash: $0.contentHash, withdrawn: $0.action == .withdraw) }
        switch RecordVersioning.decide(latest: previous, contentHash: contentHash, withdraw: withdraw) {
        case .newVersion(let version, let action): self = .new(version: version, action: action)
        case .unchanged(let version): self = .unchanged(version: version)
        case .withdrawUnknown: self = .withdrawUnknown
        }
    }
}

enum PublisherOperation {
    static func forNewVersion(action: RecordAction, publishable: Bool, currentlyPublished: Bool) -> OutboxOperation? {
        switch action {
        case .withdraw: currentlyPublished ? .delete : nil
        case .publish, .correct: publishable ? .put : (currentlyPublished ? .delete : nil)
        }
    }

    /// Publishable on Credit Zhejiang: the mapping allows it and the publicity period (公示截止期) has not ended
    /// on the day the batch was received.
    static func isPublishable(_ draft: CreditDraft, receivedOn: LocalDate) -> Bool {
        guard draft.publishOnCreditZhejiang else { return false }
        if let endsOn = draft.record.CF_GSJZQ, endsOn < receivedOn { return false }
        return true
    }
}
