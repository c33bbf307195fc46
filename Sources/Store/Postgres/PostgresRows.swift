import ExchangeStandard
import Foundation
import PostgresNIO

/// Row reading shared by the PostgreSQL store's files: the versioning snapshot of a batch, outbox entries, dates.
///
/// `date` columns are selected as `to_char(…, 'YYYY-MM-DD')` text, so that they read back exactly as SQLite's
/// stored text whatever the session's `DateStyle`; text ids are ordered with `COLLATE "C"` where order shows, which
/// is SQLite's byte order.
enum PostgresRows {
    /// Reads what ``BatchPlanner`` needs about the records of a batch, once their advisory locks are held.
    static func versioningSnapshot(_ session: PostgresSession, _ reads: VersioningReads) async throws -> VersioningSnapshot {
        var snapshot = VersioningSnapshot()
        if !reads.hubRecordIds.isEmpty {
            for row in try await session.all(
                """
                SELECT DISTINCT ON (record_id) record_id, version, action, content_hash,
                       to_char(due_on, 'YYYY-MM-DD') AS due_on, late
                FROM hub_record_version WHERE record_id = ANY(\(reads.hubRecordIds)::text[])
                ORDER BY record_id, version DESC
                """)
            {
                let id: String = try row("record_id")
                snapshot.hubs[id] = StoredHubState(
                    latest: LatestVersion(
                        version: try row("version"), action: try StoredValues.action(try row("action")), contentHash: try row("content_hash")),
                    dueOn: try StoredValues.date(try row("due_on"), what: "dueOn of \(id)"), late: try row("late"))
            }
        }
        func addCredits(_ rows: [StoredRow]) throws {
            for row in rows {
                snapshot.merge(
                    credit: try row("credit_record_id"),
                    StoredCreditState(
                        latest: LatestVersion(
                            version: try row("version"), action: try StoredValues.action(try row("action")), contentHash: try row("content_hash")),
                        hubRecordId: try row("hub_record_id"), publishable: try row("publish_on_credit_zhejiang"),
                        recordJSON: try row("record_json", as: String?.self)))
            }
        }
        if !reads.creditRecordIds.isEmpty {
            try addCredits(
                try await session.all(
                    """
                    SELECT DISTINCT ON (credit_record_id) credit_record_id, version, action, content_hash, hub_record_id,
                           publish_on_credit_zhejiang, NULL::text AS record_json
                    FROM credit_record_version WHERE credit_record_id = ANY(\(reads.creditRecordIds)::text[])
                    ORDER BY credit_record_id, version DESC
                    """))
        }
        // Credit records of withdrawn hub records, with their JSON: the planner withdraws those the drafts no longer list.
        if !reads.withdrawnHubRecordIds.isEmpty {
            try addCredits(
                try await session.all(
                    """
                    SELECT DISTINCT ON (credit_record_id) credit_record_id, version, action, content_hash, hub_record_id,
                           publish_on_credit_zhejiang, record_json
                    FROM credit_record_version
                    WHERE credit_record_id IN (
                        SELECT credit_record_id FROM credit_record_version
                        WHERE hub_record_id = ANY(\(reads.withdrawnHubRecordIds)::text[]))
                    ORDER BY credit_record_id, version DESC
                    """))
        }
        let creditIds = snapshot.credits.keys.sorted()
        if !creditIds.isEmpty {
            for row in try await session.all(
                """
                SELECT DISTINCT ON (record_id) record_id, operation FROM outbox
                WHERE destination = 'publisher' AND record_id = ANY(\(creditIds)::text[])
                ORDER BY record_id, version DESC, id DESC
                """)
            {
                snapshot.lastPublisherOperations[try row("record_id")] = OutboxOperation(rawValue: try row("operation"))
            }
        }
        return snapshot
    }

    // MARK: - Outbox entries

    /// ``StoredValues/outboxColumnNames`` as a select list.
    static func outboxColumns(_ alias: String = "") -> String {
        StoredValues.outboxColumns(alias)
    }

    static func outboxEntry(_ row: StoredRow) throws -> OutboxEntry {
        let id: Int64 = try row("id")
        let (destination, operation, state) = try StoredValues.outboxCodes(
            destination: try row("destination"), operation: try row("operation"), state: try row("state"), entryId: id)
        return OutboxEntry(
            id: id, destination: destination, recordId: try row("record_id"), version: try row("version"), operation: operation,
            batchId: try row("batch_id"), sourceSystem: try row("source_system"), state: state, attempts: try row("attempts"),
            nextAttemptAt: try row("next_attempt_at"), leaseOwner: try row("lease_owner"), leaseExpiresAt: try row("lease_expires_at"),
            lastError: try row("last_error"), createdAt: try row("created_at"), deliveredAt: try row("delivered_at"),
            deadReason: try row("dead_reason"), deadAt: try row("dead_at"), takedownReason: try row("takedown_reason"))
    }

    /// The outbox entries of one record version, oldest first.
    static func deliveries(_ session: PostgresSession, destinations: [OutboxDestination], recordId: String, version: Int) async throws
        -> [OutboxEntry]
    {
        try await session.all(
            """
            SELECT \(unescaped: outboxColumns()) FROM outbox
            WHERE record_id = \(recordId) AND version = \(version) AND destination = ANY(\(destinations.map(\.rawValue))::text[])
            ORDER BY id
            """
        ).map(outboxEntry)
    }

    /// A `YYYY-MM-DD` text column (selected with `to_char`).
    static func date(_ row: StoredRow, _ column: String, what: String) throws -> LocalDate {
        try StoredValues.date(try row(column), what: what)
    }

    /// The provenance columns of a hub or credit version row.
    static func provenance(_ row: StoredRow) throws -> VersionProvenance {
        VersionProvenance(
            version: try row("version"), action: try StoredValues.action(try row("action")), contentHash: try row("content_hash"),
            batchId: try row("batch_id"), sourceSystem: try row("source_system"), sourceRecordId: try row("source_record_id"),
            receivedAt: try row("received_at"), mappingVersion: try row("mapping_version"), trace: try row("trace"),
            remappedAt: try row("remapped_at"))
    }
}
