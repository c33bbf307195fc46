import ExchangeStandard
import Foundation
import NIOCore
import PostgresNIO

extension PostgresGatewayStore {
    /// One READ COMMITTED transaction, in this order (every node the same):
    /// 1. the batch key: stored already → `duplicate` or `conflict`, nothing written;
    /// 2. the batch row, which claims the key: a concurrent resend on another node now waits on it and, once this
    ///    commits, fails with a unique violation and is run again, finding the batch (`duplicate`);
    /// 3. the raw body, chunk by chunk (no record lock held yet, so a large body delays no other batch);
    /// 4. the advisory locks of every hub and credit record of the batch, in key order, then the versioning reads
    ///    (``BatchPlanner`` decides), then the version and outbox rows (three statements, see `insertVersions`);
    /// 5. the global feed lock, last: feed positions, the audit link and `NOTIFY`, then COMMIT.
    ///
    /// Locks are taken in a fixed order (batch key, records by key, feed), so commits queue rather than deadlock;
    /// a deadlock the server still detects (credit records of a withdrawn hub record are locked in a second round)
    /// is retried like the resend race.
    public func commitBatch(_ submission: BatchSubmission) async throws -> BatchCommitOutcome {
        var normalized = submission
        normalized.bodySHA256 = submission.bodySHA256.lowercased()
        let submission = normalized
        try BatchCommitRules.validate(submission)
        var attempt = 1
        while true {
            let now = clock()
            do {
                let outcome = try await rawTransaction(begin: "BEGIN") { session in
                    try await PostgresBatchCommit(
                        session: session, submission: submission, now: now, chunkSize: configuration.bodyChunkSize
                    ).run()
                }
                if case .committed = outcome {
                    // Waiters of this node at once; other nodes through the NOTIFY sent with the commit.
                    commitSignal.signal()
                }
                return outcome
            } catch {
                guard attempt < configuration.commitAttempts, Self.isRetryableCommitError(error) else {
                    throw StoreError.postgres(
                        error, "A batch could not be committed to the PostgreSQL store.", context: ["batchId": submission.batchId])
                }
                attempt += 1
            }
        }
    }

    /// A unique violation on the batch key (a concurrent resend won), a deadlock or a serialization failure: the
    /// transaction rolled back and running it again gives the right answer. A unique violation anywhere else (a
    /// record version's primary key) would mean two commits decided the same version: a bug, never retried.
    static func isRetryableCommitError(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.sqlState else { return false }
        switch state {
        case "23505":
            let constraint = error.serverInfo?[.constraintName]
            return constraint == "batch_key_unique" || constraint == "batch_pkey"
        case "40P01", "40001":
            return true
        default:
            return false
        }
    }
}

/// The work of one ``PostgresGatewayStore/commitBatch(_:)`` transaction.
struct PostgresBatchCommit {
    let session: PostgresSession
    let submission: BatchSubmission
    let batchId: String
    let now: Date
    let chunkSize: Int

    init(session: PostgresSession, submission: BatchSubmission, now: Date, chunkSize: Int) {
        self.session = session
        self.submission = submission
        self.batchId = submission.batchId
        self.now = now
        self.chunkSize = chunkSize
    }

    func run() async throws -> BatchCommitOutcome {
        let key = submission.key
        if let existing = try await session.row(
            "SELECT id, body_sha256, receipt_json FROM batch WHERE source_system = \(key.sourceSystem) AND batch_key = \(key.value)")
        {
            return try BatchCommitRules.existing(
                submission, batchId: try existing("id"), bodySHA256: try existing("body_sha256"), receiptJSON: try existing("receipt_json"))
        }

        let chunkCount = SpooledBodyReader.chunkCount(byteCount: submission.body.byteCount, chunkSize: chunkSize)
        // The receipt is only known at the end, but versions and chunks reference the batch row: insert it first
        // and fill the receipt in before committing.
        try await session.execute(
            """
            INSERT INTO batch (id, source_system, batch_number, batch_key, body_sha256, body_size, body_chunk_count,
                               received_at, received_on, mapping_version, receipt_json, committed_at)
            VALUES (\(batchId), \(submission.sourceSystem), \(submission.batchNumber), \(key.value), \(submission.bodySHA256),
                    \(submission.body.byteCount), \(chunkCount), \(submission.receivedAt), \(submission.receivedOn.description)::date,
                    \(submission.mappingVersion), '', \(now))
            """)
        try await copyBody()

        let reads = VersioningReads(submission)
        try await PostgresLocks.lockRecords(session, reads.hubRecordIds + reads.creditRecordIds)
        // Credit records a withdrawal may have to withdraw too: known only now that their hub records are locked
        // (nobody can add one meanwhile), so locked in a second round.
        if !reads.withdrawnHubRecordIds.isEmpty {
            let orphans = try await session.all(
                """
                SELECT DISTINCT credit_record_id FROM credit_record_version
                WHERE hub_record_id = ANY(\(reads.withdrawnHubRecordIds)::text[])
                """)
            try await PostgresLocks.lockRecords(session, try orphans.map { try $0("credit_record_id", as: String.self) })
        }
        let plan = try BatchPlanner.plan(submission, snapshot: try await PostgresRows.versioningSnapshot(session, reads))
        try await insertVersions(plan)
        try await session.execute("UPDATE batch SET receipt_json = \(String(decoding: plan.receiptJSON, as: UTF8.self)) WHERE id = \(batchId)")
        try await appendInCommitOrder(plan)
        return .committed(StoredReceipt(receipt: plan.receipt, json: plan.receiptJSON))
    }

    // MARK: - Raw body

    /// Copies the spooled body into `bytea` chunk rows, one bound parameter per chunk (extended protocol), hashing
    /// as it goes; chunk rows rather than large objects, which would need their own cleanup and permissions.
    private func copyBody() async throws {
        let reader = try SpooledBodyReader(submission, chunkSize: chunkSize)
        var index = 0
        while let chunk = try reader.next() {
            try await session.execute(
                try "INSERT INTO batch_body_chunk (batch_id, chunk_index, bytes) VALUES (\(batchId), \(index), \(chunk))")
            index += 1
        }
        try reader.finish()
    }

    // MARK: - Writes

    /// The plan's rows in three statements, whatever the batch size: hub versions, credit versions, outbox entries,
    /// each an `INSERT … SELECT … FROM unnest(<one array per column>) WITH ORDINALITY … ORDER BY position`.
    ///
    /// Row by row, a batch would cost several round trips per record (a 200,000-record batch, minutes). The order
    /// still matters for the outbox: ids are claim order, and a record's entries must follow the plan (a hub entry,
    /// then its credit records' entries). PostgreSQL computes the identity default (a volatile `nextval`) above the
    /// sorted `SELECT`, so ids follow `position`. Optional columns travel as a value array plus a null-flag array:
    /// PostgresNIO binds arrays of non-optional elements only.
    private func insertVersions(_ plan: BatchPlan) async throws {
        let hubs = plan.writes.compactMap { if case .hub(let hub) = $0 { hub } else { nil } }
        let credits = plan.creditVersions
        if !hubs.isEmpty {
            let records = hubs.map(\.record)
            try await session.execute(
                """
                INSERT INTO hub_record_version (
                    record_id, version, action, content_hash, batch_id, source_system, source_record_id, received_at,
                    received_on, mapping_version, record_json, trace, responsible_name, responsible_uscc, domain,
                    item_type, region_code, formed_on, due_on, published_on, late)
                SELECT t.record_id, t.version, t.action, t.content_hash, \(batchId), \(submission.sourceSystem), t.source_record_id,
                       \(submission.receivedAt), \(submission.receivedOn.description)::date, \(submission.mappingVersion), t.record_json,
                       t.trace, t.responsible_name, CASE WHEN t.uscc_is_null THEN NULL ELSE t.responsible_uscc END, t.domain,
                       t.item_type, t.region_code, t.formed_on::date, t.due_on::date,
                       CASE WHEN t.published_is_null THEN NULL ELSE t.published_on::date END, t.late
                FROM unnest(
                    \(records.map(\.recordId))::text[], \(records.map(\.version))::int8[], \(records.map(\.action.rawValue))::text[],
                    \(hubs.map(\.contentHash))::text[], \(hubs.map(\.sourceRecordId))::text[], \(hubs.map(\.json))::text[],
                    \(hubs.map { ByteBuffer(bytes: $0.trace) })::bytea[], \(records.map(\.responsible.name))::text[],
                    \(records.map { $0.responsible.uscc ?? "" })::text[], \(records.map { $0.responsible.uscc == nil })::bool[],
                    \(records.map(\.domain))::text[], \(records.map(\.itemType))::text[], \(records.map(\.regionCode))::text[],
                    \(records.map(\.formedOn.description))::text[], \(records.map(\.dueOn.description))::text[],
                    \(records.map { $0.publishedOn?.description ?? "" })::text[], \(records.map { $0.publishedOn == nil })::bool[],
                    \(records.map(\.late))::bool[]
                ) WITH ORDINALITY AS t(
                    record_id, version, action, content_hash, source_record_id, record_json, trace, responsible_name,
                    responsible_uscc, uscc_is_null, domain, item_type, region_code, formed_on, due_on, published_on,
                    published_is_null, late, position)
                ORDER BY t.position
                """)
        }
        if !credits.isEmpty {
            let records = credits.map(\.record)
            try await session.execute(
                """
                INSERT INTO credit_record_version (
                    credit_record_id, version, action, content_hash, hub_record_id, batch_id, source_system,
                    source_record_id, received_at, mapping_version, publish_on_credit_zhejiang, publicity_ends_on,
                    record_json, trace)
                SELECT t.credit_record_id, t.version, t.action, t.content_hash, t.hub_record_id, \(batchId), \(submission.sourceSystem),
                       t.source_record_id, \(submission.receivedAt), \(submission.mappingVersion), t.publishable,
                       CASE WHEN t.ends_is_null THEN NULL ELSE t.publicity_ends_on::date END, t.record_json, t.trace
                FROM unnest(
                    \(records.map(\.creditRecordId))::text[], \(records.map(\.version))::int8[], \(records.map(\.action.rawValue))::text[],
                    \(credits.map(\.contentHash))::text[], \(records.map(\.hubRecordId))::text[], \(credits.map(\.sourceRecordId))::text[],
                    \(credits.map(\.publishable))::bool[], \(records.map { $0.CF_GSJZQ?.description ?? "" })::text[],
                    \(records.map { $0.CF_GSJZQ == nil })::bool[], \(credits.map(\.json))::text[],
                    \(credits.map { ByteBuffer(bytes: $0.trace) })::bytea[]
                ) WITH ORDINALITY AS t(
                    credit_record_id, version, action, content_hash, hub_record_id, source_record_id, publishable,
                    publicity_ends_on, ends_is_null, record_json, trace, position)
                ORDER BY t.position
                """)
        }
        // Its feed positions are assigned at the end of the transaction, under the feed lock.
        var destinations: [String] = []
        var recordIds: [String] = []
        var versions: [Int] = []
        var operations: [String] = []
        for write in plan.writes {
            switch write {
            case .hub(let hub):
                destinations.append(OutboxDestination.hub.rawValue)
                recordIds.append(hub.record.recordId)
                versions.append(hub.record.version)
                operations.append(OutboxOperation.upsert.rawValue)
            case .credit(let credit):
                guard let operation = credit.publisherOperation else { continue }
                destinations.append(OutboxDestination.publisher.rawValue)
                recordIds.append(credit.record.creditRecordId)
                versions.append(credit.record.version)
                operations.append(operation.rawValue)
            }
        }
        guard !destinations.isEmpty else { return }
        try await session.execute(
            """
            INSERT INTO outbox (destination, record_id, version, operation, batch_id, source_system, state, attempts,
                                next_attempt_at, created_at)
            SELECT t.destination, t.record_id, t.version, t.operation, \(batchId), \(submission.sourceSystem), 'pending', 0, \(now), \(now)
            FROM unnest(\(destinations)::text[], \(recordIds)::text[], \(versions)::int8[], \(operations)::text[])
                 WITH ORDINALITY AS t(destination, record_id, version, operation, position)
            ORDER BY t.position
            """)
    }

    // MARK: - Commit order

    /// The last step before COMMIT: feed positions, the audit link and the notification, under the feed lock.
    ///
    /// Why not a sequence for `credit_feed.seq`: `nextval` hands out numbers when rows are inserted, and transactions
    /// commit in any order. Node A takes seq 10, node B takes 11 and commits first; a reader then sees 11, moves its
    /// cursor past it, and never sees 10, which commits a moment later. Positions must become visible in order.
    ///
    /// So the positions are assigned here, as `max(seq) + n`, after `pg_advisory_xact_lock` on the global feed key,
    /// and that lock is held until this transaction ends. The next commit blocks on the lock until this one has
    /// committed; PostgreSQL makes a committed transaction visible before it releases its locks, and under READ
    /// COMMITTED the next statement after acquiring the lock takes a fresh snapshot, so it sees this commit's rows
    /// and numbers after them. Hence positions are handed out in commit order, and any snapshot that sees position
    /// n also sees every position below n: a reader paging with "after my cursor" never skips nor repeats one.
    ///
    /// Only this short tail is serialized (a few statements and the commit's WAL flush); body copies, versioning
    /// reads and row inserts of different batches still run in parallel. The audit chain needs exactly the same
    /// order (each link hashes the previous one), so it is appended under the same lock.
    private func appendInCommitOrder(_ plan: BatchPlan) async throws {
        try await PostgresLocks.lockFeed(session)
        let credits = plan.creditVersions
        if !credits.isEmpty {
            try await session.execute(
                """
                INSERT INTO credit_feed (seq, credit_record_id, version)
                SELECT (SELECT COALESCE(MAX(seq), 0) FROM credit_feed) + t.position, t.credit_record_id, t.version
                FROM unnest(\(credits.map(\.record.creditRecordId))::text[], \(credits.map(\.record.version))::int8[])
                     WITH ORDINALITY AS t(credit_record_id, version, position)
                """)
        }
        let previous = try await session.row("SELECT seq, link_hash FROM audit_link ORDER BY seq DESC LIMIT 1")
        let previousSequence: Int64 = try previous?("seq") ?? 0
        let link = AuditChain.nextLink(
            previousHex: try previous?("link_hash", as: String.self), bodySHA256: submission.bodySHA256, receiptJSON: plan.receiptJSON)
        try await session.execute(
            """
            INSERT INTO audit_link (seq, batch_id, previous_link_hash, body_sha256, receipt_sha256, link_hash)
            VALUES (\(previousSequence + 1), \(batchId), \(link.previousLinkHash), \(link.bodySHA256), \(link.receiptSHA256),
                    \(link.linkHash))
            """)
        if !credits.isEmpty {
            // Delivered by the server only if and when this transaction commits.
            try await session.execute("SELECT pg_notify(\(PostgresGatewayStore.feedChannel), '')")
        }
    }
}
