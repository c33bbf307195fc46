import ExchangeStandard
import Foundation
import GRDB

/// Row reading shared by the SQLite store's files: the versioning snapshot of a batch, outbox entries.
enum SQLiteRows {
    /// The ids a single `IN (…)` list holds: well below SQLite's limit on bound parameters, whatever the batch size.
    static let idsPerQuery = 500

    /// Reads what ``BatchPlanner`` needs about the records of a batch, inside the commit's write transaction.
    static func versioningSnapshot(_ db: Database, _ reads: VersioningReads) throws -> VersioningSnapshot {
        var snapshot = VersioningSnapshot()
        for ids in chunks(reads.hubRecordIds) {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT h.record_id, h.version, h.action, h.content_hash, h.due_on, h.late FROM hub_record_version h
                    WHERE h.record_id IN (\(placeholders(ids.count)))
                      AND h.version = (SELECT MAX(version) FROM hub_record_version WHERE record_id = h.record_id)
                    """,
                arguments: StatementArguments(ids))
            for row in rows {
                let id: String = row["record_id"]
                snapshot.hubs[id] = StoredHubState(
                    latest: LatestVersion(version: row["version"], action: try StoredValues.action(row["action"]), contentHash: row["content_hash"]),
                    dueOn: try StoredValues.date(row["due_on"], what: "dueOn of \(id)"), late: row["late"])
            }
        }
        func latestCredit(json: String, where condition: String) -> String {
            """
            SELECT c.credit_record_id, c.version, c.action, c.content_hash, c.hub_record_id, c.publish_on_credit_zhejiang, \(json)
            FROM credit_record_version c
            WHERE \(condition)
              AND c.version = (SELECT MAX(version) FROM credit_record_version WHERE credit_record_id = c.credit_record_id)
            """
        }
        func addCredits(_ rows: [Row], withJSON: Bool) throws {
            for row in rows {
                snapshot.merge(
                    credit: row["credit_record_id"],
                    StoredCreditState(
                        latest: LatestVersion(
                            version: row["version"], action: try StoredValues.action(row["action"]), contentHash: row["content_hash"]),
                        hubRecordId: row["hub_record_id"], publishable: row["publish_on_credit_zhejiang"],
                        recordJSON: withJSON ? row["record_json"] as String : nil))
            }
        }
        for ids in chunks(reads.creditRecordIds) {
            let sql = latestCredit(json: "NULL AS record_json", where: "c.credit_record_id IN (\(placeholders(ids.count)))")
            try addCredits(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(ids)), withJSON: false)
        }
        // Credit records of withdrawn hub records, with their JSON: the planner withdraws those the drafts no longer list.
        for ids in chunks(reads.withdrawnHubRecordIds) {
            let sql = latestCredit(
                json: "c.record_json",
                where:
                    "c.credit_record_id IN (SELECT credit_record_id FROM credit_record_version WHERE hub_record_id IN (\(placeholders(ids.count))))")
            try addCredits(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(ids)), withJSON: true)
        }
        for ids in chunks(snapshot.credits.keys.sorted()) {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.record_id, o.operation FROM outbox o
                    WHERE o.destination = 'publisher' AND o.record_id IN (\(placeholders(ids.count)))
                      AND o.id = (SELECT id FROM outbox WHERE destination = 'publisher' AND record_id = o.record_id
                                  ORDER BY version DESC, id DESC LIMIT 1)
                    """,
                arguments: StatementArguments(ids))
            for row in rows {
                let operation: String = row["operation"]
                snapshot.lastPublisherOperations[row["record_id"]] = OutboxOperation(rawValue: operation)
            }
        }
        return snapshot
    }

    private static func chunks(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: idsPerQuery).map { Array(ids[$0..<min($0 + idsPerQuery, ids.count)]) }
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    // MARK: - Outbox entries

    /// The columns ``outboxEntry(_:)`` reads, prefixed with a table alias when given.
    static func outboxColumns(_ alias: String = "") -> String {
        StoredValues.outboxColumns(alias)
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        let (destination, operation, state) = try StoredValues.outboxCodes(
            destination: row["destination"], operation: row["operation"], state: row["state"], entryId: row["id"])
        return OutboxEntry(
            id: row["id"], destination: destination, recordId: row["record_id"], version: row["version"], operation: operation,
            batchId: row["batch_id"], sourceSystem: row["source_system"], state: state, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], leaseOwner: row["lease_owner"], leaseExpiresAt: row["lease_expires_at"],
            lastError: row["last_error"], createdAt: row["created_at"], deliveredAt: row["delivered_at"],
            deadReason: row["dead_reason"], deadAt: row["dead_at"], takedownReason: row["takedown_reason"])
    }

    /// The outbox entries of one record version, oldest first.
    static func deliveries(_ db: Database, destinations: [OutboxDestination], recordId: String, version: Int) throws -> [OutboxEntry] {
        let placeholders = destinations.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [recordId, version]
        arguments += StatementArguments(destinations.map(\.rawValue))
        return try Row.fetchAll(
            db,
            sql: "SELECT \(outboxColumns()) FROM outbox WHERE record_id = ? AND version = ? AND destination IN (\(placeholders)) ORDER BY id",
            arguments: arguments
        ).map(outboxEntry)
    }
}
