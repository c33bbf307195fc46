import ExchangeStandard
import Foundation
import GRDB

/// The credit feed's log: one row per credit record version, its `seq` the feed position.
///
/// Why `seq` is commit order here: SQLite has one writer at a time, and GRDB runs every write of this process in
/// one serialized, IMMEDIATE transaction (another process waits on the write lock). A sequence assigned inside a
/// write transaction is therefore larger than every sequence of every transaction that committed before it, and
/// no later transaction can commit a smaller one. A reader's snapshot always holds a gap-free prefix of the log,
/// so "everything after my cursor" never skips a version that commits later. `AUTOINCREMENT` (not plain rowid)
/// so that a value is never reused even if rows were deleted.
///
/// What the PostgreSQL store does instead: there, sequences (`bigserial`, identity) are handed out at INSERT time
/// and transactions commit in any order, so a reader could see seq 11 committed while seq 10 is still in flight
/// and would skip 10 forever. ``PostgresGatewayStore`` assigns positions as the last step of the commit, under a
/// transaction-level advisory lock held to the commit (`PostgresBatchCommit.appendInCommitOrder`), which also
/// serves the audit chain. (The alternative, storing `pg_current_xact_id()` per row and serving only rows below
/// the reader snapshot's `xmin`, needs no lock but makes every reader reason about transaction ids.)
enum SQLiteFeed {
    static func append(_ db: Database, creditRecordId: String, version: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO credit_feed (credit_record_id, version) VALUES (?, ?)").execute(arguments: [creditRecordId, version])
    }

    static func hasEntries(_ db: Database, after sequence: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM credit_feed WHERE seq > ?)", arguments: [sequence]) ?? false
    }
}

extension SQLiteGatewayStore {
    public func creditFeed(after: FeedCursor?, limit: Int) async throws -> FeedPage {
        guard limit >= 1 else {
            throw StoreError(.invalidArgument, "A feed page holds at least one record.", context: ["limit": String(limit)])
        }
        let start = after ?? .start
        return try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT f.seq, c.credit_record_id, c.version, c.record_json
                    FROM credit_feed f
                    JOIN credit_record_version c ON c.credit_record_id = f.credit_record_id AND c.version = f.version
                    WHERE f.seq > ? ORDER BY f.seq LIMIT ?
                    """,
                arguments: [start.sequence, limit])
            let entries = try rows.map { row in
                let json: String = row["record_json"]
                let record = try StoredValues.decode(
                    CreditRecord.self, json: json, what: "credit record \(row["credit_record_id"] as String) v\(row["version"] as Int)")
                return FeedEntry(position: FeedCursor(sequence: row["seq"]), record: record, json: Data(json.utf8))
            }
            return FeedPage(entries: entries, next: entries.last?.position ?? start)
        }
    }

    public func waitForCreditCommit(after: FeedCursor?, timeout: Duration) async throws -> Bool {
        let sequence = (after ?? .start).sequence
        return try await commitSignal.waitForCommit(timeout: timeout, pollInterval: configuration.feedPollInterval) {
            try await read { db in try SQLiteFeed.hasEntries(db, after: sequence) }
        }
    }
}
