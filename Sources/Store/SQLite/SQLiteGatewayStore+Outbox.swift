import ExchangeStandard
import Foundation
import GRDB

extension SQLiteGatewayStore {
    public func claimOutbox(destination: OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws
        -> [ClaimedOutboxEntry]
    {
        guard limit >= 1, leaseSeconds >= 1, !owner.isEmpty else {
            throw StoreError(
                .invalidArgument, "A claim needs a limit and a lease of at least 1 and an owner.",
                context: ["limit": String(limit), "leaseSeconds": String(leaseSeconds), "owner": owner])
        }
        let leaseExpiresAt = now.addingTimeInterval(TimeInterval(leaseSeconds))
        return try await write { db in
            // Selection and update in one write transaction, so two workers of this process (or another process on
            // the file) never claim the same entry. The PostgreSQL twin selects `FOR UPDATE SKIP LOCKED` instead,
            // so that nodes claim disjoint sets without waiting on each other.
            //
            // Ordering: an entry waits while an earlier entry of the same record for the same destination (lower
            // version, or same version enqueued earlier, e.g. a takedown after its put) is pending or inflight. A
            // dead or delivered one does not hold it back.
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT o.id FROM outbox o
                    WHERE o.destination = ? AND o.next_attempt_at <= ?
                      AND (o.state = 'pending' OR (o.state = 'inflight' AND o.lease_expires_at <= ?))
                      AND NOT EXISTS (
                          SELECT 1 FROM outbox p
                          WHERE p.destination = o.destination AND p.record_id = o.record_id
                            AND p.state IN ('pending', 'inflight')
                            AND (p.version < o.version OR (p.version = o.version AND p.id < o.id)))
                    ORDER BY o.id LIMIT ?
                    """,
                arguments: [destination.rawValue, now, now, limit])
            guard !ids.isEmpty else { return [] }
            let idList = ids.map(String.init).joined(separator: ", ")
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'inflight', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
                    WHERE id IN (\(idList))
                    """,
                arguments: [owner, leaseExpiresAt])
            let versionTable = destination == .hub ? "hub_record_version v ON v.record_id" : "credit_record_version v ON v.credit_record_id"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteRows.outboxColumns("o")), v.record_json FROM outbox o
                    JOIN \(versionTable) = o.record_id AND v.version = o.version
                    WHERE o.id IN (\(idList)) ORDER BY o.id
                    """)
            guard rows.count == ids.count else {
                throw StoreError(
                    .corruptData, "An outbox entry points at a record version that is not stored.",
                    context: ["destination": destination.rawValue, "entryIds": idList])
            }
            return try rows.map { row in
                ClaimedOutboxEntry(entry: try SQLiteRows.outboxEntry(row), payload: Data((row["record_json"] as String).utf8))
            }
        }
    }

    public func markDelivered(ids: [Int64], owner: String, now: Date) async throws -> [Int64] {
        try await write { db in
            var marked: [Int64] = []
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'delivered', delivered_at = ?, lease_expires_at = NULL
                        WHERE id = ? AND state = 'inflight' AND lease_owner = ?
                        """,
                    arguments: [now, id, owner])
                if db.changesCount > 0 { marked.append(id) }
            }
            return marked
        }
    }

    public func markRetry(id: Int64, owner: String, nextAttemptAt: Date, error: String) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, lease_expires_at = NULL
                    WHERE id = ? AND state = 'inflight' AND lease_owner = ?
                    """,
                arguments: [nextAttemptAt, error, id, owner])
            return db.changesCount > 0
        }
    }

    public func markDead(id: Int64, owner: String, reason: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'dead', dead_reason = ?, dead_at = ?, lease_expires_at = NULL
                    WHERE id = ? AND state = 'inflight' AND lease_owner = ?
                    """,
                arguments: [reason, now, id, owner])
            return db.changesCount > 0
        }
    }

    public func outboxStatistics(now: Date) async throws -> [OutboxStatistics] {
        try await read { db in
            var statistics: [OutboxDestination: OutboxStatistics] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT destination,
                           SUM(state = 'pending') AS pending, SUM(state = 'inflight') AS inflight, SUM(state = 'dead') AS dead,
                           MIN(CASE WHEN state IN ('pending', 'inflight') THEN created_at END) AS oldest
                    FROM outbox WHERE state IN ('pending', 'inflight', 'dead') GROUP BY destination
                    """)
            for row in rows {
                guard let destination = OutboxDestination(rawValue: row["destination"]) else { continue }
                let oldest: Date? = row["oldest"]
                statistics[destination] = OutboxStatistics(
                    destination: destination, pending: row["pending"], inflight: row["inflight"], dead: row["dead"],
                    oldestUndeliveredCreatedAt: oldest, oldestUndeliveredAge: oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
            }
            return OutboxStatistics.everyDestination(statistics)
        }
    }

    public func deadLetters(_ filter: DeadLetterFilter) async throws -> [OutboxEntry] {
        let (condition, arguments) = Self.deadLetterCondition(filter)
        let limit = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(SQLiteRows.outboxColumns()) FROM outbox WHERE \(condition) ORDER BY dead_at, id\(limit)",
                arguments: arguments
            ).map(SQLiteRows.outboxEntry)
        }
    }

    public func replayDeadLetters(_ selection: DeadLetterSelection, now: Date) async throws -> [Int64] {
        let condition: String
        let arguments: StatementArguments
        switch selection {
        case .ids(let ids):
            guard !ids.isEmpty else { return [] }
            condition = "state = 'dead' AND id IN (\(ids.map(String.init).joined(separator: ", ")))"
            arguments = []
        case .matching(let filter):
            let (filterCondition, filterArguments) = Self.deadLetterCondition(filter)
            let limit = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
            condition = "id IN (SELECT id FROM outbox WHERE \(filterCondition) ORDER BY dead_at, id\(limit))"
            arguments = filterArguments
        }
        return try await write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE \(condition) ORDER BY id", arguments: arguments)
            try Self.requeueDead(db, ids: ids, note: "replayed by an operator", now: now)
            return ids
        }
    }

    /// Back to pending with attempts reset; the dead reason moves into `last_error` so the history is not lost.
    static func requeueDead(_ db: Database, ids: [Int64], note: String, now: Date) throws {
        guard !ids.isEmpty else { return }
        try db.execute(
            sql: """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL,
                                  lease_expires_at = NULL, last_error = ? || ': ' || COALESCE(dead_reason, ''),
                                  dead_reason = NULL, dead_at = NULL
                WHERE state = 'dead' AND id IN (\(ids.map(String.init).joined(separator: ", ")))
                """,
            arguments: [now, "\(note); was dead"])
    }

    static func deadLetterCondition(_ filter: DeadLetterFilter) -> (String, StatementArguments) {
        var clauses = ["state = 'dead'"]
        var arguments = StatementArguments()
        if let destination = filter.destination {
            clauses.append("destination = ?")
            arguments += [destination.rawValue]
        }
        if let sourceSystem = filter.sourceSystem {
            clauses.append("source_system = ?")
            arguments += [sourceSystem]
        }
        if let reason = filter.reasonContains {
            // instr, not LIKE: no wildcards to escape, and case-sensitive like PostgreSQL's strpos.
            clauses.append("instr(dead_reason, ?) > 0")
            arguments += [reason]
        }
        if let since = filter.deadSince {
            clauses.append("dead_at >= ?")
            arguments += [since]
        }
        if let before = filter.deadBefore {
            clauses.append("dead_at < ?")
            arguments += [before]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}
