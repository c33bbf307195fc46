import Crypto
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
        try BatchCommit.validate(submission)
        let now = clock()
        let chunkSize = configuration.bodyChunkSize
        // One IMMEDIATE transaction (GRDB's default for writes): the resend check, the versioning reads and all the
        // writes see and hold the same state, and the commit is durable (synchronous = FULL) when `write` returns.
        let outcome = try await write { db in
            var commit = BatchCommit(db: db, submission: submission, now: now, chunkSize: chunkSize)
            return try commit.run()
        }
        if case .committed = outcome {
            commitSignal.signal()
        }
        return outcome
    }
}

/// The work of one ``SQLiteGatewayStore/commitBatch(_:)`` transaction.
struct BatchCommit {
    let db: Database
    let submission: BatchSubmission
    let batchId: String
    let now: Date
    let chunkSize: Int
    private var accepted: [AcceptedRecord] = []
    private var rejected: [RejectionDraft] = []

    init(db: Database, submission: BatchSubmission, now: Date, chunkSize: Int) {
        self.db = db
        self.submission = submission
        self.batchId = submission.batchId
        self.now = now
        self.chunkSize = chunkSize
    }

    static func validate(_ submission: BatchSubmission) throws {
        guard !submission.sourceSystem.isEmpty else {
            throw StoreError(.invalidArgument, "A batch needs its source system.")
        }
        guard SHA256Digest.bytes(hex: submission.bodySHA256) != nil else {
            throw StoreError(
                .invalidArgument, "The body hash must be 64 hex digits of SHA-256.", context: ["bodySHA256": submission.bodySHA256])
        }
        guard submission.body.byteCount >= 0 else {
            throw StoreError(.invalidArgument, "A body cannot have a negative size.", context: ["path": submission.body.path])
        }
    }

    mutating func run() throws -> BatchCommitOutcome {
        let key = submission.key
        if let existing = try Row.fetchOne(
            db, sql: "SELECT id, body_sha256, receipt_json FROM batch WHERE source_system = ? AND batch_key = ?",
            arguments: [key.sourceSystem, key.value])
        {
            let existingHash: String = existing["body_sha256"]
            guard existingHash == submission.bodySHA256 else {
                return .conflict(
                    BatchConflict(batchId: existing["id"], existingBodySHA256: existingHash, submittedBodySHA256: submission.bodySHA256))
            }
            return .duplicate(try SQLiteRows.storedReceipt(json: existing["receipt_json"], batchId: existing["id"]))
        }

        let chunkCount = Int((submission.body.byteCount + Int64(chunkSize) - 1) / Int64(chunkSize))
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
                submission.mappingVersion, now,
            ])
        try copyBody()

        rejected = submission.rejections
        for draft in submission.records {
            try version(draft)
        }

        let receipt = BatchReceipt(
            batchId: batchId, sourceSystem: submission.sourceSystem, batchNumber: submission.batchNumber,
            bodySHA256: submission.bodySHA256, receivedAt: submission.receivedAt, mappingVersion: submission.mappingVersion,
            accepted: accepted, rejected: rejected)
        let receiptJSON = try StoreJSON.encode(receipt)
        try db.execute(
            sql: "UPDATE batch SET receipt_json = ? WHERE id = ?", arguments: [String(decoding: receiptJSON, as: UTF8.self), batchId])
        try appendAuditLink(receiptJSON: receiptJSON)
        return .committed(StoredReceipt(receipt: receipt, json: receiptJSON))
    }

    // MARK: - Raw body

    /// Copies the spooled body into `batch_body_chunk` one chunk at a time, hashing as it goes.
    ///
    /// Chunk rows rather than SQLite incremental blob I/O: GRDB has no blob-handle API, chunk rows need no raw
    /// `sqlite3_blob_*` calls, keep memory at one chunk, and are the same design in PostgreSQL (`bytea` rows).
    private func copyBody() throws {
        let body = submission.body
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: body.path))
        } catch {
            throw StoreError(.bodyMismatch, "The spooled batch body cannot be read.", context: ["path": body.path], underlying: error)
        }
        defer { try? handle.close() }

        var hasher = SHA256()
        var total: Int64 = 0
        var index = 0
        let insert = try db.cachedStatement(sql: "INSERT INTO batch_body_chunk (batch_id, chunk_index, bytes) VALUES (?, ?, ?)")
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            total += Int64(chunk.count)
            guard total <= body.byteCount else { break }
            try insert.execute(arguments: [batchId, index, chunk])
            index += 1
        }
        let hash = SHA256Digest.hex(hasher.finalize())
        guard total == body.byteCount, hash == submission.bodySHA256 else {
            throw StoreError(
                .bodyMismatch, "The spooled batch body does not match its stated size and SHA-256.",
                context: [
                    "path": body.path, "statedBytes": String(body.byteCount), "statedSHA256": submission.bodySHA256,
                    "readBytes": total > body.byteCount ? "more than stated" : String(total), "readSHA256": hash,
                ])
        }
    }

    // MARK: - Versioning

    private mutating func version(_ draft: RecordDraft) throws {
        let recordId = draft.hub.recordId
        let latestHub = try SQLiteRows.latestHubVersion(db, recordId: recordId)
        let hubDecision = VersionDecision(latest: latestHub?.latest, contentHash: draft.contentHash, withdraw: draft.withdraw)

        var creditDecisions: [(CreditDraft, LatestVersion?, VersionDecision)] = []
        for credit in draft.credits {
            let latest = try SQLiteRows.latestCreditVersion(db, creditRecordId: credit.record.creditRecordId)
            creditDecisions.append(
                (credit, latest?.latest, VersionDecision(latest: latest?.latest, contentHash: credit.contentHash, withdraw: draft.withdraw)))
        }

        // A withdrawal must name only records the gateway holds; otherwise nothing of the source record is stored.
        var unknown: [RejectionError] = []
        if hubDecision == .withdrawUnknown {
            unknown.append(
                RejectionError(
                    field: "recordId", rule: RejectionError.withdrawUnknownRule, value: recordId,
                    message: "The source withdraws record \(draft.sourceRecordId) (gateway id \(recordId)), which the gateway never accepted."))
        }
        for (credit, _, decision) in creditDecisions where decision == .withdrawUnknown {
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
            try insertHubVersion(draft, version: version, action: action)
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
        for (credit, _, decision) in creditDecisions {
            switch decision {
            case .new(let version, let action):
                var record = credit.record
                record.version = version
                record.action = action
                record.source.batchId = batchId
                let publishable = PublisherOperation.isPublishable(credit, receivedOn: submission.receivedOn)
                try insertCreditVersion(
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
    private func withdrawOrphanedCredits(of recordId: String, listed: Set<String>, sourceRecordId: String, trace: Data) throws
        -> [AcceptedCredit]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.credit_record_id, c.version, c.content_hash, c.publish_on_credit_zhejiang, c.record_json
                FROM credit_record_version c
                WHERE c.hub_record_id = ? AND c.action <> 'withdraw'
                  AND c.version = (SELECT MAX(version) FROM credit_record_version WHERE credit_record_id = c.credit_record_id)
                ORDER BY c.credit_record_id
                """,
            arguments: [recordId])
        var withdrawn: [AcceptedCredit] = []
        for row in rows {
            let id: String = row["credit_record_id"]
            guard !listed.contains(id) else { continue }
            var record = try SQLiteRows.decode(CreditRecord.self, json: row["record_json"], what: "credit record \(id)")
            record.version = (row["version"] as Int) + 1
            record.action = .withdraw
            record.source.batchId = batchId
            try insertCreditVersion(
                record, contentHash: row["content_hash"], publishable: row["publish_on_credit_zhejiang"], sourceRecordId: sourceRecordId,
                trace: trace)
            withdrawn.append(AcceptedCredit(creditRecordId: id, version: record.version, action: .withdraw))
        }
        return withdrawn
    }

    private func insertHubVersion(_ draft: RecordDraft, version: Int, action: RecordAction) throws {
        var hub = draft.hub
        hub.version = version
        hub.action = action
        hub.source.batchId = batchId
        try db.execute(
            sql: """
                INSERT INTO hub_record_version (
                    record_id, version, action, content_hash, batch_id, source_system, source_record_id, received_at,
                    received_on, mapping_version, record_json, trace, responsible_name, responsible_uscc, domain,
                    item_type, region_code, formed_on, due_on, published_on, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                hub.recordId, version, action.rawValue, draft.contentHash, batchId, submission.sourceSystem,
                draft.sourceRecordId, submission.receivedAt, submission.receivedOn.description, submission.mappingVersion,
                try StoreJSON.encodeText(hub), draft.trace, hub.responsible.name, hub.responsible.uscc, hub.domain,
                hub.itemType, hub.regionCode, hub.formedOn.description, hub.dueOn.description, hub.publishedOn?.description,
                hub.late,
            ])
        try insertOutbox(destination: .hub, recordId: hub.recordId, version: version, operation: .upsert)
    }

    private func insertCreditVersion(
        _ record: CreditRecord, contentHash: String, publishable: Bool, sourceRecordId: String, trace: Data
    ) throws {
        // Asked before this version's own entry exists: is Credit Zhejiang showing (or about to show) the record?
        let currentlyPublished = try SQLiteRows.isCurrentlyPublished(db, creditRecordId: record.creditRecordId)
        try db.execute(
            sql: """
                INSERT INTO credit_record_version (
                    credit_record_id, version, action, content_hash, hub_record_id, batch_id, source_system,
                    source_record_id, received_at, mapping_version, publish_on_credit_zhejiang, publicity_ends_on,
                    record_json, trace)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.creditRecordId, record.version, record.action.rawValue, contentHash, record.hubRecordId, batchId,
                submission.sourceSystem, sourceRecordId, submission.receivedAt, submission.mappingVersion, publishable,
                record.CF_GSJZQ?.description, try StoreJSON.encodeText(record), trace,
            ])
        // The feed's sequence is assigned here, inside the serialized write transaction: see `SQLiteFeed`.
        try SQLiteFeed.append(db, creditRecordId: record.creditRecordId, version: record.version)
        if let operation = PublisherOperation.forNewVersion(
            action: record.action, publishable: publishable, currentlyPublished: currentlyPublished)
        {
            try insertOutbox(destination: .publisher, recordId: record.creditRecordId, version: record.version, operation: operation)
        }
    }

    private func insertOutbox(destination: OutboxDestination, recordId: String, version: Int, operation: OutboxOperation) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (destination, record_id, version, operation, batch_id, source_system, state, attempts,
                                    next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
            arguments: [destination.rawValue, recordId, version, operation.rawValue, batchId, submission.sourceSystem, now, now])
    }

    // MARK: - Audit chain

    /// Appends this batch's link. The previous link is read inside the same serialized transaction, so links form
    /// one chain in commit order.
    private func appendAuditLink(receiptJSON: Data) throws {
        let previousHex = try String.fetchOne(db, sql: "SELECT link_hash FROM audit_link ORDER BY seq DESC LIMIT 1")
        let previous = previousHex.flatMap(SHA256Digest.bytes(hex:)) ?? SHA256Digest.genesis
        let receiptDigest = SHA256Digest.bytes(of: receiptJSON)
        let link = AuditChain.linkHash(
            previous: previous, bodySHA256: SHA256Digest.bytes(hex: submission.bodySHA256)!, receiptSHA256: receiptDigest)
        try db.execute(
            sql: """
                INSERT INTO audit_link (batch_id, previous_link_hash, body_sha256, receipt_sha256, link_hash)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                batchId, SHA256Digest.hex(previous), submission.bodySHA256, SHA256Digest.hex(receiptDigest), SHA256Digest.hex(link),
            ])
    }
}
