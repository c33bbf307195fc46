import ExchangeStandard
import Foundation

/// Everything the gateway keeps: batches and their raw bodies, versioned hub and credit records, the delivery
/// outbox, the credit feed and the audit chain.
///
/// One protocol, so that callers do not change between the embedded SQLite store (``SQLiteGatewayStore``) and the
/// PostgreSQL store that several gateway nodes share (``PostgresGatewayStore``); ``StoreLocation`` opens either
/// from configuration. The contract every implementation keeps:
/// - ``commitBatch(_:)`` is one transaction, durable when it returns, and decides versions and resends inside it
///   so that two nodes committing concurrently cannot both version a record or store a batch twice;
/// - outbox claims are leases, and every `mark…` only applies while the caller still holds its lease;
/// - the credit feed lists versions in commit order and paging with its cursor never skips or repeats one.
///
/// Times that decide behaviour (`now`) are parameters, so that workers, tests and several nodes agree on them.
public protocol GatewayStore: Sendable {
    // MARK: - Ingest

    /// Stores a mapped batch in one transaction: raw body, receipt, record versions, rejections, outbox entries and
    /// an audit-chain link; or, for a batch key seen before, returns the first receipt (`duplicate`, same body)
    /// or a ``BatchConflict`` (different body) without writing.
    ///
    /// Versioning, per hub record and per credit record independently: unseen → 1 `publish`; same content hash as
    /// the latest version → `unchanged`; different → n+1 `correct`; withdrawal → n+1 `withdraw` (already withdrawn →
    /// `unchanged`); content after a withdrawal → n+1 `correct`. Withdrawing a record the gateway never accepted
    /// rejects the source record with rule `withdraw_unknown`. Withdrawing a source record also withdraws the
    /// credit records earlier versions derived from it that the draft no longer lists.
    func commitBatch(_ submission: BatchSubmission) async throws -> BatchCommitOutcome

    /// The stored raw body of a batch, streamed in chunks; throws `notFound` for an unknown batch.
    func rawBody(batchId: String) async throws -> RawBodyChunks

    // MARK: - Outbox

    /// Leases up to `limit` deliverable entries of `destination` to `owner` for `leaseSeconds`.
    ///
    /// Deliverable: pending (or inflight with an expired lease, which takes over a crashed worker's claim),
    /// `nextAttemptAt <= now`, and no earlier entry of the same record for the same destination (a lower version,
    /// or the same version enqueued earlier) still pending or inflight, so receivers see versions in order. Dead
    /// entries do not block. Each claim counts as an attempt. Oldest entries first.
    func claimOutbox(destination: OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws
        -> [ClaimedOutboxEntry]

    /// Marks entries delivered; returns the ids that were, i.e. those `owner` still held.
    func markDelivered(ids: [Int64], owner: String, now: Date) async throws -> [Int64]

    /// Puts an entry back to pending until `nextAttemptAt`, keeping `error`; false when `owner` lost the lease.
    func markRetry(id: Int64, owner: String, nextAttemptAt: Date, error: String) async throws -> Bool

    /// Dead-letters an entry with the receiver's `reason`; false when `owner` lost the lease.
    func markDead(id: Int64, owner: String, reason: String, now: Date) async throws -> Bool

    /// Depth and oldest undelivered age per destination (every destination, zeros included).
    func outboxStatistics(now: Date) async throws -> [OutboxStatistics]

    /// Dead letters matching `filter`, oldest first.
    func deadLetters(_ filter: DeadLetterFilter) async throws -> [OutboxEntry]

    /// Puts dead letters back to pending with attempts reset and `nextAttemptAt = now`; returns their ids.
    func replayDeadLetters(_ selection: DeadLetterSelection, now: Date) async throws -> [Int64]

    /// Replaces a stored version's payload with a re-mapping of its raw batch and requeues its dead entries.
    ///
    /// Refused with `versionNotReplaceable` when any delivery of that version is delivered or inflight: the hub
    /// and the publisher keep the highest version they have and would ignore new content under a version they
    /// already hold, so such a fix must come as a new version (a resend). The credit feed serves the replaced
    /// payload from then on but does not list the version again: the credit platform is not told.
    /// Returns the ids of the requeued entries.
    func replaceRecordVersionPayload(_ replacement: RecordVersionReplacement, now: Date) async throws -> [Int64]

    // MARK: - Publicity

    /// Credit records whose latest version is not withdrawn, whose `CF_GSJZQ` is before `asOf`, and whose last
    /// publisher operation is still a `put` (nothing has taken them down yet).
    func creditRecordsWithExpiredPublicity(asOf: LocalDate) async throws -> [ExpiredPublicity]

    /// Enqueues a publisher `delete` of the latest `version` outside any batch (publicity expiry); idempotent:
    /// enqueuing the same takedown again returns the existing entry. `notFound` for an unknown record,
    /// `invalidArgument` when `version` is not the latest.
    func enqueuePublicityTakedown(creditRecordId: String, version: Int, reason: String, now: Date) async throws -> OutboxEntry

    // MARK: - Credit feed

    /// Up to `limit` credit record versions after `after` (from the start when nil), in commit order.
    func creditFeed(after: FeedCursor?, limit: Int) async throws -> FeedPage

    /// Waits until the feed has a version after `after`, at most `timeout`; true when it has one.
    /// Returns at once when there already is one. For long polling.
    func waitForCreditCommit(after: FeedCursor?, timeout: Duration) async throws -> Bool

    // MARK: - Audit

    /// Walks the audit chain from the first link and names the first broken one. With `rehashBodies`, also
    /// re-hashes every stored raw body against its batch's body hash (reads every body: slow on a large store).
    func verifyAuditChain(rehashBodies: Bool) async throws -> AuditVerification

    // MARK: - Reads

    /// A batch with its receipt and the delivery state of each version it created; nil when unknown.
    func batch(id: String) async throws -> BatchDetails?

    /// Batches matching `query`, the most recently committed first (commit order is the audit chain's order),
    /// with the counts of their receipts (``ReceiptCounts/init(_:)``).
    func batches(_ query: BatchListQuery) async throws -> [BatchSummary]

    /// All versions of a hub record, oldest first; empty when unknown.
    func recordHistory(recordId: String) async throws -> [HubRecordVersion]

    /// All versions of a credit record, oldest first; empty when unknown.
    func creditRecordHistory(creditRecordId: String) async throws -> [CreditRecordVersion]

    /// The first versions (version 1) of hub records in the query's ranges, ordered by formedOn then recordId.
    func firstVersions(_ query: TimelinessQuery) async throws -> [TimelinessRow]

    // MARK: - Lifecycle

    /// Releases what the store keeps open in the background (PostgreSQL: its connection pool and notification
    /// listener); the store must not be used afterwards. A SQLite store closes its file when it is released.
    func close() async
}

extension GatewayStore {
    public func close() async {}

    /// Walks the audit chain without re-reading the bodies.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await verifyAuditChain(rehashBodies: false)
    }
}
