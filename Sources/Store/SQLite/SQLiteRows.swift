import ExchangeStandard
import Foundation
import GRDB

/// Row reading shared by the SQLite store's files: latest versions, outbox entries, stored JSON.
enum SQLiteRows {
    struct LatestHub {
        var latest: LatestVersion
        var dueOn: LocalDate
        var late: Bool
    }

    struct LatestCredit {
        var latest: LatestVersion
    }

    static func latestHubVersion(_ db: Database, recordId: String) throws -> LatestHub? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT version, action, content_hash, due_on, late FROM hub_record_version
                    WHERE record_id = ? ORDER BY version DESC LIMIT 1
                    """,
                arguments: [recordId])
        else { return nil }
        return LatestHub(
            latest: LatestVersion(version: row["version"], action: try action(row["action"]), contentHash: row["content_hash"]),
            dueOn: try date(row["due_on"], what: "dueOn of \(recordId)"), late: row["late"])
    }

    static func latestCreditVersion(_ db: Database, creditRecordId: String) throws -> LatestCredit? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT version, action, content_hash FROM credit_record_version
                    WHERE credit_record_id = ? ORDER BY version DESC LIMIT 1
                    """,
                arguments: [creditRecordId])
        else { return nil }
        return LatestCredit(
            latest: LatestVersion(version: row["version"], action: try action(row["action"]), contentHash: row["content_hash"]))
    }

    /// Whether the last publisher operation enqueued for the credit record is a `put`: Credit Zhejiang shows it,
    /// or will once the outbox delivers (a dead `put` still counts: it can be replayed).
    static func isCurrentlyPublished(_ db: Database, creditRecordId: String) throws -> Bool {
        let operation = try String.fetchOne(
            db,
            sql: """
                SELECT operation FROM outbox WHERE destination = 'publisher' AND record_id = ?
                ORDER BY version DESC, id DESC LIMIT 1
                """,
            arguments: [creditRecordId])
        return operation == OutboxOperation.put.rawValue
    }

    static func storedReceipt(json: String, batchId: String) throws -> StoredReceipt {
        let data = Data(json.utf8)
        return StoredReceipt(receipt: try decode(BatchReceipt.self, json: json, what: "receipt of batch \(batchId)"), json: data)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, json: String, what: String) throws -> Value {
        do {
            return try StoreJSON.decode(type, fromText: json)
        } catch {
            throw StoreError(.corruptData, "The stored \(what) does not decode.", underlying: error)
        }
    }

    static func action(_ text: String) throws -> RecordAction {
        guard let action = RecordAction(rawValue: text) else {
            throw StoreError(.corruptData, "Unknown record action '\(text)' in the store.")
        }
        return action
    }

    static func date(_ text: String, what: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw StoreError(.corruptData, "The stored \(what) is not a YYYY-MM-DD date: '\(text)'.")
        }
        return date
    }

    // MARK: - Outbox entries

    /// The columns ``outboxEntry(_:)`` reads, prefixed with a table alias when given.
    static func outboxColumns(_ alias: String = "") -> String {
        let prefix = alias.isEmpty ? "" : "\(alias)."
        return [
            "id", "destination", "record_id", "version", "operation", "batch_id", "source_system", "state", "attempts",
            "next_attempt_at", "lease_owner", "lease_expires_at", "last_error", "created_at", "delivered_at", "dead_reason",
            "dead_at", "takedown_reason",
        ].map { prefix + $0 }.joined(separator: ", ")
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        let destinationText: String = row["destination"]
        let operationText: String = row["operation"]
        let stateText: String = row["state"]
        guard let destination = OutboxDestination(rawValue: destinationText), let operation = OutboxOperation(rawValue: operationText),
            let state = OutboxState(rawValue: stateText)
        else {
            throw StoreError(
                .corruptData, "An outbox row has an unknown destination, operation or state.", context: ["entryId": "\(row["id"] as Int64)"])
        }
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
