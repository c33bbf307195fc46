import ExchangeStandard
import Foundation
import GRDB

extension SQLiteGatewayStore {
    public func creditRecordsWithExpiredPublicity(asOf: LocalDate) async throws -> [ExpiredPublicity] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.credit_record_id, c.version, c.publicity_ends_on, c.source_system
                    FROM credit_record_version c
                    WHERE c.publicity_ends_on IS NOT NULL AND c.publicity_ends_on < ? AND c.action <> 'withdraw'
                      AND c.version = (SELECT MAX(version) FROM credit_record_version WHERE credit_record_id = c.credit_record_id)
                      AND (SELECT operation FROM outbox
                           WHERE destination = 'publisher' AND record_id = c.credit_record_id
                           ORDER BY version DESC, id DESC LIMIT 1) = 'put'
                    ORDER BY c.publicity_ends_on, c.credit_record_id
                    """,
                arguments: [asOf.description])
            return try rows.map { row in
                ExpiredPublicity(
                    creditRecordId: row["credit_record_id"], version: row["version"],
                    publicityEndsOn: try StoredValues.date(row["publicity_ends_on"], what: "CF_GSJZQ"), sourceSystem: row["source_system"])
            }
        }
    }

    public func enqueuePublicityTakedown(creditRecordId: String, version: Int, reason: String, now: Date) async throws -> OutboxEntry {
        try await write { db in
            let context = ["creditRecordId": creditRecordId, "version": String(version)]
            guard
                let latest = try Row.fetchOne(
                    db,
                    sql: "SELECT version, source_system FROM credit_record_version WHERE credit_record_id = ? ORDER BY version DESC LIMIT 1",
                    arguments: [creditRecordId])
            else {
                throw StoreError(.notFound, "There is no such credit record to take down.", context: context)
            }
            // Only the latest version: a delete of an older one would be ordered before the newer put and leave the
            // newer version published.
            guard (latest["version"] as Int) == version else {
                throw StoreError(
                    .invalidArgument, "A takedown names the credit record's latest version (\(latest["version"] as Int)).", context: context)
            }
            let sourceSystem: String = latest["source_system"]
            // The UNIQUE (destination, record_id, version, operation) key makes a second takedown a no-op.
            try db.execute(
                sql: """
                    INSERT INTO outbox (destination, record_id, version, operation, batch_id, source_system, state, attempts,
                                        next_attempt_at, created_at, takedown_reason)
                    VALUES ('publisher', ?, ?, 'delete', NULL, ?, 'pending', 0, ?, ?, ?)
                    ON CONFLICT (destination, record_id, version, operation) DO NOTHING
                    """,
                arguments: [creditRecordId, version, sourceSystem, now, now, reason])
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(SQLiteRows.outboxColumns()) FROM outbox
                        WHERE destination = 'publisher' AND record_id = ? AND version = ? AND operation = 'delete'
                        """,
                    arguments: [creditRecordId, version])
            else {
                throw StoreError(.corruptData, "The takedown entry vanished right after it was written.", context: ["creditRecordId": creditRecordId])
            }
            return try SQLiteRows.outboxEntry(row)
        }
    }
}
