import ExchangeStandard
import Foundation
import GRDB

extension SQLiteGatewayStore {
    /// The body is copied inside the write transaction, so a large body holds SQLite's single write lock while it is
    /// copied (about a second for 50 MB here); other batches wait for it rather than fail (busy timeout, GRDB's
    /// serialized writer). Copying first and committing second would need a cleanup of orphaned bodies for little gain.
    public func commitBatch(_ submission: BatchSubmission) async throws -> BatchCommitOutcome {
        var normalized = submission
        normalized.bodySHA256 = submission.bodySHA256.lowercased()
        let submission = normalized
        try BatchCommitRules.validate(submission)
        let now = clock()
        let chunkSize = configuration.bodyChunkSize
        // One IMMEDIATE transaction (GRDB's default for writes): the resend check, the versioning reads and all the
        // writes see and hold the same state, and the commit is durable (synchronous = FULL) when `write` returns.
        let outcome = try await write { db in
            try SQLiteBatchCommit(db: db, submission: submission, now: now, chunkSize: chunkSize).run()
        }
        if case .committed = outcome {
            commitSignal.signal()
        }
        return outcome
    }
}

/// The work of one ``SQLiteGatewayStore/commitBatch(_:)`` transaction: read, plan (``BatchPlanner``), write.
struct SQLiteBatchCommit {
    let db: Database
    let submission: BatchSubmission
    let batchId: String
    /// The commit's time, as stored: GRDB formats a `Date` with a `DateFormatter` for every argument, which was
    /// 2.6 % of ingest's CPU when every outbox row took it twice (make bench-profile).
    let storedNow: DatabaseValue
    let chunkSize: Int

    init(db: Database, submission: BatchSubmission, now: Date, chunkSize: Int) {
        self.db = db
        self.submission = submission
        self.batchId = submission.batchId
        self.storedNow = now.databaseValue
        self.chunkSize = chunkSize
    }

    func run() throws -> BatchCommitOutcome {
        let key = submission.key
        if let existing = try Row.fetchOne(
            db, sql: "SELECT id, body_sha256, receipt_json FROM batch WHERE source_system = ? AND batch_key = ?",
            arguments: [key.sourceSystem, key.value])
        {
            return try BatchCommitRules.existing(
                submission, batchId: existing["id"], bodySHA256: existing["body_sha256"], receiptJSON: existing["receipt_json"])
        }

        let chunkCount = SpooledBodyReader.chunkCount(byteCount: submission.body.byteCount, chunkSize: chunkSize)
        // The receipt is only known at the end, but versions and chunks reference the batch row: insert it first
        // and fill the receipt in before committing.
        try db.execute(
            sql: """
                INSERT INTO batch (id, source_system, batch_number, batch_key, body_sha256, body_size, body_chunk_count,
                                   received_at, received_on, mapping_version, receipt_json, committed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)
                """,
            arguments: [
                batchId, submission.sourceSystem, submission.batchNumber, key.value, submission.bodySHA256,
                submission.body.byteCount, chunkCount, submission.receivedAt, submission.receivedOn.description,
                submission.mappingVersion, storedNow,
            ])
        try copyBody()

        // SQLite's single writer is what protects these reads until the commit: nothing else writes in between.
        let plan = try BatchPlanner.plan(submission, snapshot: try SQLiteRows.versioningSnapshot(db, VersioningReads(submission)))
        for write in plan.writes {
            switch write {
            case .hub(let hub): try insertHubVersion(hub)
            case .credit(let credit): try insertCreditVersion(credit)
            }
        }
        try db.execute(
            sql: "UPDATE batch SET receipt_json = ? WHERE id = ?", arguments: [String(decoding: plan.receiptJSON, as: UTF8.self), batchId])
        try appendAuditLink(receiptJSON: plan.receiptJSON)
        return .committed(StoredReceipt(receipt: plan.receipt, json: plan.receiptJSON))
    }

    // MARK: - Raw body

    /// Copies the spooled body into `batch_body_chunk` one chunk at a time, hashing as it goes.
    ///
    /// Chunk rows rather than SQLite incremental blob I/O: GRDB has no blob-handle API, chunk rows need no raw
    /// `sqlite3_blob_*` calls, keep memory at one chunk, and are the same design in PostgreSQL (`bytea` rows).
    private func copyBody() throws {
        let reader = try SpooledBodyReader(submission, chunkSize: chunkSize)
        let insert = try db.cachedStatement(sql: "INSERT INTO batch_body_chunk (batch_id, chunk_index, bytes) VALUES (?, ?, ?)")
        var index = 0
        while let chunk = try reader.next() {
            try insert.execute(arguments: [batchId, index, chunk])
            index += 1
        }
        try reader.finish()
    }

    // MARK: - Writes

    private func insertHubVersion(_ planned: PlannedHubVersion) throws {
        let hub = planned.record
        // Cached statements: preparing the same INSERT again for every version was 12 % of ingest (make bench-profile).
        try db.cachedStatement(
            sql: """
                INSERT INTO hub_record_version (
                    record_id, version, action, content_hash, batch_id, source_system, source_record_id, received_at,
                    received_on, mapping_version, record_json, trace, responsible_name, responsible_uscc, domain,
                    item_type, region_code, formed_on, due_on, published_on, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                hub.recordId, hub.version, hub.action.rawValue, planned.contentHash, batchId, submission.sourceSystem,
                planned.sourceRecordId, submission.receivedAt, submission.receivedOn.description, submission.mappingVersion,
                planned.json, planned.trace, hub.responsible.name, hub.responsible.uscc, hub.domain,
                hub.itemType, hub.regionCode, hub.formedOn.description, hub.dueOn.description, hub.publishedOn?.description,
                hub.late,
            ])
        try insertOutbox(destination: .hub, recordId: hub.recordId, version: hub.version, operation: .upsert)
    }

    private func insertCreditVersion(_ planned: PlannedCreditVersion) throws {
        let record = planned.record
        try db.cachedStatement(
            sql: """
                INSERT INTO credit_record_version (
                    credit_record_id, version, action, content_hash, hub_record_id, batch_id, source_system,
                    source_record_id, received_at, mapping_version, publish_on_credit_zhejiang, publicity_ends_on,
                    record_json, trace)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                record.creditRecordId, record.version, record.action.rawValue, planned.contentHash, record.hubRecordId, batchId,
                submission.sourceSystem, planned.sourceRecordId, submission.receivedAt, submission.mappingVersion, planned.publishable,
                record.CF_GSJZQ?.description, planned.json, planned.trace,
            ])
        // The feed's sequence is assigned here, inside the serialized write transaction: see `SQLiteFeed`.
        try SQLiteFeed.append(db, creditRecordId: record.creditRecordId, version: record.version)
        if let operation = planned.publisherOperation {
            try insertOutbox(destination: .publisher, recordId: record.creditRecordId, version: record.version, operation: operation)
        }
    }

    private func insertOutbox(destination: OutboxDestination, recordId: String, version: Int, operation: OutboxOperation) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO outbox (destination, record_id, version, operation, batch_id, source_system, state, attempts,
                                    next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """
        ).execute(
            arguments: [destination.rawValue, recordId, version, operation.rawValue, batchId, submission.sourceSystem, storedNow, storedNow])
    }

    // MARK: - Audit chain

    /// Appends this batch's link. The previous link is read inside the same serialized transaction, so links form
    /// one chain in commit order.
    private func appendAuditLink(receiptJSON: Data) throws {
        let previousHex = try String.fetchOne(db, sql: "SELECT link_hash FROM audit_link ORDER BY seq DESC LIMIT 1")
        let link = AuditChain.nextLink(previousHex: previousHex, bodySHA256: submission.bodySHA256, receiptJSON: receiptJSON)
        try db.execute(
            sql: """
                INSERT INTO audit_link (batch_id, previous_link_hash, body_sha256, receipt_sha256, link_hash)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [batchId, link.previousLinkHash, link.bodySHA256, link.receiptSHA256, link.linkHash])
    }
}
