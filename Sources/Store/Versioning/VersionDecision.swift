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

    init(latest: LatestVersion?, contentHash: String, withdraw: Bool) {
        guard let latest else {
            self = withdraw ? .withdrawUnknown : .new(version: 1, action: .publish)
            return
        }
        if withdraw {
            self = latest.action == .withdraw ? .unchanged(version: latest.version) : .new(version: latest.version + 1, action: .withdraw)
        } else if latest.action != .withdraw && latest.contentHash == contentHash {
            self = .unchanged(version: latest.version)
        } else {
            // Either new content, or content again after a withdrawal (reinstated): both are corrections for the
            // receivers, which only know publish / correct / withdraw.
            self = .new(version: latest.version + 1, action: .correct)
        }
    }
}

/// Which publisher operation, if any, a new credit record version needs.
///
/// Beyond "publishable → put, withdrawn → delete", a correction that is no longer publishable (now only 警告, or
/// its publicity already over) takes the earlier publication down, and a withdrawal of something never
/// published sends nothing: Credit Zhejiang must end up showing exactly the publishable latest versions.
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
