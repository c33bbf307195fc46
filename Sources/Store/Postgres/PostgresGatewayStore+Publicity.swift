import ExchangeStandard
import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    public func creditRecordsWithExpiredPublicity(asOf: LocalDate) async throws -> [ExpiredPublicity] {
        try await withSession("Reading expired publicity failed.") { session in
            try await session.all(
                """
                SELECT c.credit_record_id, c.version, to_char(c.publicity_ends_on, 'YYYY-MM-DD') AS publicity_ends_on, c.source_system
                FROM credit_record_version c
                WHERE c.publicity_ends_on IS NOT NULL AND c.publicity_ends_on < \(asOf.description)::date AND c.action <> 'withdraw'
                  AND c.version = (SELECT MAX(version) FROM credit_record_version WHERE credit_record_id = c.credit_record_id)
                  AND (SELECT operation FROM outbox
                       WHERE destination = 'publisher' AND record_id = c.credit_record_id
                       ORDER BY version DESC, id DESC LIMIT 1) = 'put'
                ORDER BY c.publicity_ends_on, c.credit_record_id COLLATE "C"
                """
            ).map { row in
                ExpiredPublicity(
                    creditRecordId: try row("credit_record_id"), version: try row("version"),
                    publicityEndsOn: try PostgresRows.date(row, "publicity_ends_on", what: "CF_GSJZQ"), sourceSystem: try row("source_system"))
            }
        }
    }

    /// Under the credit record's advisory lock, so that no batch versions the record between the check that
    /// `version` is the latest and the insert.
    public func enqueuePublicityTakedown(creditRecordId: String, version: Int, reason: String, now: Date) async throws -> OutboxEntry {
        try await transaction("Enqueuing a publicity takedown failed.") { session in
            let context = ["creditRecordId": creditRecordId, "version": String(version)]
            try await PostgresLocks.lockRecords(session, [creditRecordId])
            guard
                let latest = try await session.row(
                    """
                    SELECT version, source_system FROM credit_record_version
                    WHERE credit_record_id = \(creditRecordId) ORDER BY version DESC LIMIT 1
                    """)
            else {
                throw StoreError(.notFound, "There is no such credit record to take down.", context: context)
            }
            // Only the latest version: a delete of an older one would be ordered before the newer put and leave the
            // newer version published.
            let latestVersion: Int = try latest("version")
            guard latestVersion == version else {
                throw StoreError(.invalidArgument, "A takedown names the credit record's latest version (\(latestVersion)).", context: context)
            }
            let sourceSystem: String = try latest("source_system")
            // The UNIQUE (destination, record_id, version, operation) key makes a second takedown a no-op.
            try await session.execute(
                """
                INSERT INTO outbox (destination, record_id, version, operation, batch_id, source_system, state, attempts,
                                    next_attempt_at, created_at, takedown_reason)
                VALUES ('publisher', \(creditRecordId), \(version), 'delete', NULL, \(sourceSystem), 'pending', 0, \(now), \(now), \(reason))
                ON CONFLICT (destination, record_id, version, operation) DO NOTHING
                """)
            guard
                let row = try await session.row(
                    """
                    SELECT \(unescaped: PostgresRows.outboxColumns()) FROM outbox
                    WHERE destination = 'publisher' AND record_id = \(creditRecordId) AND version = \(version) AND operation = 'delete'
                    """)
            else {
                throw StoreError(.corruptData, "The takedown entry vanished right after it was written.", context: ["creditRecordId": creditRecordId])
            }
            return try PostgresRows.outboxEntry(row)
        }
    }
}
