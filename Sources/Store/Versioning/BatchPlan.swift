import ExchangeStandard
import Foundation

// The versioning of a batch, apart from SQL: both stores read a ``VersioningSnapshot`` inside their commit
// transaction (once the records are protected from concurrent writers), hand it to ``BatchPlanner``, and write the
// ``BatchPlan`` it returns in order. One rule, two backends.

/// The latest stored version of a hub record, as batch planning needs it.
struct StoredHubState: Hashable, Sendable {
    var latest: LatestVersion
    /// The deadline and lateness an `unchanged` resend reports: the stored version's, not the resend's.
    var dueOn: LocalDate
    var late: Bool
}

/// The latest stored version of a credit record, as batch planning needs it.
struct StoredCreditState: Hashable, Sendable {
    var latest: LatestVersion
    var hubRecordId: String
    var publishable: Bool
    /// The stored JSON: read only for credit records of hub records the batch withdraws, whose withdrawal version
    /// copies it.
    var recordJSON: String?
}

/// What the store holds, before a batch, about the records the batch touches.
struct VersioningSnapshot: Sendable {
    /// Latest version per hub record id of ``VersioningReads/hubRecordIds`` (absent: never stored).
    var hubs: [String: StoredHubState] = [:]
    /// Latest version per credit record id: those the drafts list, and every credit record whose latest version
    /// belongs to a hub record the batch withdraws (with ``StoredCreditState/recordJSON``).
    var credits: [String: StoredCreditState] = [:]
    /// The last publisher operation enqueued per credit record (highest version, then latest entry) of the
    /// records in ``credits``: whether Credit Zhejiang shows the record or is about to.
    var lastPublisherOperations: [String: OutboxOperation] = [:]

    /// Adds a credit state read by one of the two reads; the one with the stored JSON wins.
    mutating func merge(credit id: String, _ state: StoredCreditState) {
        if let existing = credits[id], existing.recordJSON != nil, state.recordJSON == nil { return }
        credits[id] = state
    }
}

/// The ids a backend reads (and, in PostgreSQL, locks) before planning a batch.
struct VersioningReads: Sendable {
    /// Hub record ids of the drafts, sorted, unique.
    var hubRecordIds: [String]
    /// Credit record ids the drafts list, sorted, unique.
    var creditRecordIds: [String]
    /// Hub record ids of withdrawn drafts, whose unlisted credit records are withdrawn too.
    var withdrawnHubRecordIds: [String]

    init(_ submission: BatchSubmission) {
        hubRecordIds = Set(submission.records.map(\.hub.recordId)).sorted()
        creditRecordIds = Set(submission.records.flatMap { $0.credits.map(\.record.creditRecordId) }).sorted()
        withdrawnHubRecordIds = Set(submission.records.filter(\.withdraw).map(\.hub.recordId)).sorted()
    }
}

/// One row a commit writes, in the order it writes them (which is also the order of the outbox ids and of the
/// batch's credit versions in the feed).
enum PlannedWrite: Sendable {
    /// A hub record version and its hub outbox entry (`upsert`).
    case hub(PlannedHubVersion)
    /// A credit record version, its feed entry and, when due, its publisher outbox entry.
    case credit(PlannedCreditVersion)
}

struct PlannedHubVersion: Sendable {
    /// The record with its version, action and batch id set.
    var record: HubRecord
    /// The JSON stored and sent to the hub.
    var json: String
    var contentHash: String
    var sourceRecordId: String
    var trace: Data
}

struct PlannedCreditVersion: Sendable {
    var record: CreditRecord
    var json: String
    var contentHash: String
    var publishable: Bool
    var sourceRecordId: String
    var trace: Data
    /// The publisher entry to enqueue with it, nil when Credit Zhejiang has nothing to do.
    var publisherOperation: OutboxOperation?
}

/// Everything a batch commit writes besides the raw body, the batch row and the audit link.
struct BatchPlan: Sendable {
    var writes: [PlannedWrite]
    var receipt: BatchReceipt
    /// The receipt's stored bytes (``StoreJSON``): stored, hashed into the audit chain and resent as they are.
    var receiptJSON: Data

    /// The new credit versions in write order: the order they take in the feed.
    var creditVersions: [PlannedCreditVersion] {
        writes.compactMap { if case .credit(let credit) = $0 { credit } else { nil } }
    }
}

/// Decides every version a batch creates, the outbox entries that go with them and the receipt, from a snapshot of
/// what is stored: the rules of ``GatewayStore/commitBatch(_:)`` in one place.
///
/// Later drafts of the same batch see what earlier ones decided (a record listed twice, a withdrawal after a
/// publication of the same record): the planner updates its copy of the snapshot as it goes, exactly as reading
/// the database again inside the transaction would.
struct BatchPlanner {
    private let submission: BatchSubmission
    private var state: VersioningSnapshot
    private var writes: [PlannedWrite] = []
    private var accepted: [AcceptedRecord] = []
    private var rejected: [RejectionDraft]

    static func plan(_ submission: BatchSubmission, snapshot: VersioningSnapshot) throws -> BatchPlan {
        var planner = BatchPlanner(submission: submission, state: snapshot, rejected: submission.rejections)
        for draft in submission.records {
            try planner.version(draft)
        }
        let receipt = BatchReceipt(
            batchId: submission.batchId, sourceSystem: submission.sourceSystem, batchNumber: submission.batchNumber,
            bodySHA256: submission.bodySHA256, receivedAt: submission.receivedAt, mappingVersion: submission.mappingVersion,
            accepted: planner.accepted, rejected: planner.rejected)
        return BatchPlan(writes: planner.writes, receipt: receipt, receiptJSON: try StoreJSON.encode(receipt))
    }

    private init(submission: BatchSubmission, state: VersioningSnapshot, rejected: [RejectionDraft]) {
        self.submission = submission
        self.state = state
        self.rejected = rejected
    }

    private var batchId: String { submission.batchId }

    private mutating func version(_ draft: RecordDraft) throws {
        let recordId = draft.hub.recordId
        let latestHub = state.hubs[recordId]
        let hubDecision = VersionDecision(latest: latestHub?.latest, contentHash: draft.contentHash, withdraw: draft.withdraw)
        // Every credit is decided against the state before this draft, as its hub record is.
        let creditDecisions = draft.credits.map { credit in
            (
                credit,
                VersionDecision(
                    latest: state.credits[credit.record.creditRecordId]?.latest, contentHash: credit.contentHash, withdraw: draft.withdraw)
            )
        }

        // A withdrawal must name only records the gateway holds; otherwise nothing of the source record is stored.
        var unknown: [RejectionError] = []
        if hubDecision == .withdrawUnknown {
            unknown.append(
                RejectionError(
                    field: "recordId", rule: RejectionError.withdrawUnknownRule, value: recordId,
                    message: "The source withdraws record \(draft.sourceRecordId) (gateway id \(recordId)), which the gateway never accepted."))
        }
        for (credit, decision) in creditDecisions where decision == .withdrawUnknown {
            let id = credit.record.creditRecordId
            unknown.append(
                RejectionError(
                    field: "creditRecordIds", rule: RejectionError.withdrawUnknownRule, value: id,
                    message: "The source withdraws credit record \(id) of record \(draft.sourceRecordId), which the gateway never accepted."))
        }
        if !unknown.isEmpty {
            rejected.append(RejectionDraft(sourceRecordId: draft.sourceRecordId, errors: unknown))
            return
        }

        let hubVersion: Int
        let hubAction: ReceiptAction
        var dueOn = draft.hub.dueOn
        var late = draft.hub.late
        switch hubDecision {
        case .new(let version, let action):
            try writeHubVersion(draft, version: version, action: action)
            hubVersion = version
            hubAction = ReceiptAction(action)
        case .unchanged(let version):
            hubVersion = version
            hubAction = .unchanged
            // The stored version's deadline and lateness are what stand; this resend's reception time is not.
            if let latestHub {
                dueOn = latestHub.dueOn
                late = latestHub.late
            }
        case .withdrawUnknown:
            preconditionFailure("handled above")
        }

        var credits: [AcceptedCredit] = []
        for (credit, decision) in creditDecisions {
            switch decision {
            case .new(let version, let action):
                var record = credit.record
                record.version = version
                record.action = action
                record.source.batchId = batchId
                let publishable = PublisherOperation.isPublishable(credit, receivedOn: submission.receivedOn)
                try writeCreditVersion(
                    record, contentHash: credit.contentHash, publishable: publishable, sourceRecordId: draft.sourceRecordId,
                    trace: credit.trace ?? draft.trace)
                credits.append(AcceptedCredit(creditRecordId: record.creditRecordId, version: version, action: ReceiptAction(action)))
            case .unchanged(let version):
                credits.append(AcceptedCredit(creditRecordId: credit.record.creditRecordId, version: version, action: .unchanged))
            case .withdrawUnknown:
                preconditionFailure("handled above")
            }
        }
        if draft.withdraw {
            credits += try withdrawOrphanedCredits(
                of: recordId, listed: Set(draft.credits.map(\.record.creditRecordId)), sourceRecordId: draft.sourceRecordId,
                trace: draft.trace)
        }

        accepted.append(
            AcceptedRecord(
                sourceRecordId: draft.sourceRecordId, recordId: recordId, version: hubVersion, action: hubAction, dueOn: dueOn,
                late: late, credits: credits))
    }

    /// Withdraws the credit records an earlier version of the hub record derived and this withdrawal no longer
    /// lists: a withdrawn disclosure must not leave its penalties published.
    private mutating func withdrawOrphanedCredits(of recordId: String, listed: Set<String>, sourceRecordId: String, trace: Data) throws
        -> [AcceptedCredit]
    {
        // In the byte order of the ids (SQLite's BINARY collation), so that both stores withdraw in the same order
        // whatever the PostgreSQL database's collation is.
        let orphans = state.credits
            .filter { id, credit in credit.hubRecordId == recordId && credit.latest.action != .withdraw && !listed.contains(id) }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        var withdrawn: [AcceptedCredit] = []
        for (id, stored) in orphans {
            guard let json = stored.recordJSON else {
                throw StoreError(
                    .corruptData, "The stored JSON of a credit record to withdraw was not read.", context: ["creditRecordId": id])
            }
            var record = try StoredValues.decode(CreditRecord.self, json: json, what: "credit record \(id)")
            record.version = stored.latest.version + 1
            record.action = .withdraw
            record.source.batchId = batchId
            try writeCreditVersion(
                record, contentHash: stored.latest.contentHash, publishable: stored.publishable, sourceRecordId: sourceRecordId, trace: trace)
            withdrawn.append(AcceptedCredit(creditRecordId: id, version: record.version, action: .withdraw))
        }
        return withdrawn
    }

    private mutating func writeHubVersion(_ draft: RecordDraft, version: Int, action: RecordAction) throws {
        var hub = draft.hub
        hub.version = version
        hub.action = action
        hub.source.batchId = batchId
        writes.append(
            .hub(
                PlannedHubVersion(
                    record: hub, json: try StoreJSON.encodeText(hub), contentHash: draft.contentHash, sourceRecordId: draft.sourceRecordId,
                    trace: draft.trace)))
        state.hubs[hub.recordId] = StoredHubState(
            latest: LatestVersion(version: version, action: action, contentHash: draft.contentHash), dueOn: hub.dueOn, late: hub.late)
    }

    private mutating func writeCreditVersion(
        _ record: CreditRecord, contentHash: String, publishable: Bool, sourceRecordId: String, trace: Data
    ) throws {
        let id = record.creditRecordId
        // Asked before this version's own entry exists: is Credit Zhejiang showing (or about to show) the record?
        // A dead `put` still counts: it can be replayed.
        let currentlyPublished = state.lastPublisherOperations[id] == .put
        let operation = PublisherOperation.forNewVersion(action: record.action, publishable: publishable, currentlyPublished: currentlyPublished)
        let json = try StoreJSON.encodeText(record)
        writes.append(
            .credit(
                PlannedCreditVersion(
                    record: record, json: json, contentHash: contentHash, publishable: publishable, sourceRecordId: sourceRecordId,
                    trace: trace, publisherOperation: operation)))
        state.credits[id] = StoredCreditState(
            latest: LatestVersion(version: record.version, action: record.action, contentHash: contentHash), hubRecordId: record.hubRecordId,
            publishable: publishable, recordJSON: json)
        if let operation {
            state.lastPublisherOperations[id] = operation
        }
    }
}
