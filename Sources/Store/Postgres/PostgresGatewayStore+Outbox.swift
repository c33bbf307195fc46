import ExchangeStandard
import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    /// One statement selects and leases, in a transaction that also reads the payloads (and rolls the lease back if
    /// a payload is missing).
    ///
    /// `FOR UPDATE SKIP LOCKED`: rows another node is claiming right now are passed over instead of waited for, so
    /// nodes claim disjoint sets without blocking each other. A row that another node claimed and committed after
    /// this statement's snapshot is re-checked on its newest version before it is locked (PostgreSQL re-evaluates
    /// the WHERE clause for updated rows), finds `inflight` with a running lease, and is skipped: an entry is never
    /// leased twice.
    ///
    /// The ordering rule (no earlier entry of the same record for the destination still pending or inflight) is
    /// evaluated on the statement's snapshot, and can only err towards waiting: an earlier entry that another node
    /// delivered a moment ago still holds the later one back until the next claim. It cannot let a later version
    /// pass an earlier one, because an earlier entry only leaves `pending`/`inflight` by being delivered or dead.
    /// Taking over expired leases is part of the same predicate, with the caller's `now` as on SQLite.
    public func claimOutbox(destination: OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) async throws
        -> [ClaimedOutboxEntry]
    {
        guard limit >= 1, leaseSeconds >= 1, !owner.isEmpty else {
            throw StoreError(
                .invalidArgument, "A claim needs a limit and a lease of at least 1 and an owner.",
                context: ["limit": String(limit), "leaseSeconds": String(leaseSeconds), "owner": owner])
        }
        let leaseExpiresAt = now.addingTimeInterval(TimeInterval(leaseSeconds))
        let versionJoin = destination == .hub ? "hub_record_version v ON v.record_id" : "credit_record_version v ON v.credit_record_id"
        let columns = outboxColumns("c")
        return try await transaction("Claiming outbox entries from the PostgreSQL store failed.") { session in
            let rows = try await session.all(
                """
                WITH candidate AS (
                    SELECT o.id FROM outbox o
                    WHERE o.destination = \(destination.rawValue) AND o.next_attempt_at <= \(now)
                      AND (o.state = 'pending' OR (o.state = 'inflight' AND o.lease_expires_at <= \(now)))
                      AND NOT EXISTS (
                          SELECT 1 FROM outbox p
                          WHERE p.destination = o.destination AND p.record_id = o.record_id
                            AND p.state IN ('pending', 'inflight')
                            AND (p.version < o.version OR (p.version = o.version AND p.id < o.id)))
                    ORDER BY o.id
                    LIMIT \(limit)
                    FOR UPDATE OF o SKIP LOCKED
                ), claimed AS (
                    UPDATE outbox SET state = 'inflight', lease_owner = \(owner), lease_expires_at = \(leaseExpiresAt),
                                      attempts = attempts + 1
                    FROM candidate WHERE outbox.id = candidate.id
                    RETURNING outbox.*
                )
                SELECT \(unescaped: columns), v.record_json
                FROM claimed c LEFT JOIN \(unescaped: versionJoin) = c.record_id AND v.version = c.version
                ORDER BY c.id
                """)
            return try rows.map { row in
                let entry = try PostgresRows.outboxEntry(row)
                guard let json = try row("record_json", as: String?.self) else {
                    throw StoreError(
                        .corruptData, "An outbox entry points at a record version that is not stored.",
                        context: ["destination": destination.rawValue, "entryId": String(entry.id)])
                }
                return ClaimedOutboxEntry(entry: entry, payload: Data(json.utf8))
            }
        }
    }

    public func markDelivered(ids: [Int64], owner: String, now: Date) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        let marked = try await withSession("Marking outbox entries delivered failed.") { session in
            try await session.all(
                """
                UPDATE outbox SET state = 'delivered', delivered_at = \(now), lease_expires_at = NULL
                WHERE id = ANY(\(ids)::int8[]) AND state = 'inflight' AND lease_owner = \(owner)
                RETURNING id
                """
            ).map { try $0("id", as: Int64.self) }
        }
        let markedSet = Set(marked)
        return ids.filter { markedSet.contains($0) }
    }

    public func markRetry(id: Int64, owner: String, nextAttemptAt: Date, error: String) async throws -> Bool {
        try await withSession("Marking an outbox entry for retry failed.") { session in
            try await session.row(
                """
                UPDATE outbox SET state = 'pending', next_attempt_at = \(nextAttemptAt), last_error = \(error), lease_expires_at = NULL
                WHERE id = \(id) AND state = 'inflight' AND lease_owner = \(owner)
                RETURNING id
                """) != nil
        }
    }

    public func markDead(id: Int64, owner: String, reason: String, now: Date) async throws -> Bool {
        try await withSession("Dead-lettering an outbox entry failed.") { session in
            try await session.row(
                """
                UPDATE outbox SET state = 'dead', dead_reason = \(reason), dead_at = \(now), lease_expires_at = NULL
                WHERE id = \(id) AND state = 'inflight' AND lease_owner = \(owner)
                RETURNING id
                """) != nil
        }
    }

    public func outboxStatistics(now: Date) async throws -> [OutboxStatistics] {
        try await withSession("Reading outbox statistics failed.") { session in
            var statistics: [OutboxDestination: OutboxStatistics] = [:]
            for row in try await session.all(
                """
                SELECT destination,
                       COUNT(*) FILTER (WHERE state = 'pending') AS pending,
                       COUNT(*) FILTER (WHERE state = 'inflight') AS inflight,
                       COUNT(*) FILTER (WHERE state = 'dead') AS dead,
                       MIN(created_at) FILTER (WHERE state IN ('pending', 'inflight')) AS oldest
                FROM outbox WHERE state IN ('pending', 'inflight', 'dead') GROUP BY destination
                """)
            {
                guard let destination = OutboxDestination(rawValue: try row("destination")) else { continue }
                let oldest: Date? = try row("oldest")
                statistics[destination] = OutboxStatistics(
                    destination: destination, pending: try row("pending"), inflight: try row("inflight"), dead: try row("dead"),
                    oldestUndeliveredCreatedAt: oldest, oldestUndeliveredAge: oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
            }
            return OutboxStatistics.everyDestination(statistics)
        }
    }

    public func deadLetters(_ filter: DeadLetterFilter) async throws -> [OutboxEntry] {
        var query = Self.deadLetterQuery(filter)
        query.sql = "SELECT \(outboxColumns()) FROM outbox WHERE \(query.sql) ORDER BY dead_at, id\(Self.limitClause(filter))"
        let selection = query
        return try await withSession("Reading dead letters failed.") { session in
            try await session.all(selection).map(PostgresRows.outboxEntry)
        }
    }

    public func replayDeadLetters(_ selection: DeadLetterSelection, now: Date) async throws -> [Int64] {
        var query: PostgresQuery
        switch selection {
        case .ids(let ids):
            guard !ids.isEmpty else { return [] }
            query = "id = ANY(\(ids)::int8[])"
        case .matching(let filter):
            query = Self.deadLetterQuery(filter)
            query.sql = "id IN (SELECT id FROM outbox WHERE \(query.sql) ORDER BY dead_at, id\(Self.limitClause(filter)))"
        }
        let condition = query
        return try await transaction("Replaying dead letters failed.") { session in
            try await Self.requeueDead(session, where: condition, note: "replayed by an operator", now: now)
        }
    }

    /// Back to pending with attempts reset; the dead reason moves into `last_error` so the history is not lost.
    /// `condition` selects among dead entries; returns the requeued ids in ascending order.
    static func requeueDead(_ session: PostgresSession, where condition: PostgresQuery, note: String, now: Date) async throws -> [Int64] {
        var update = condition
        let nowParameter = update.binds.count + 1
        let noteParameter = update.binds.count + 2
        update.binds.append(now)
        update.binds.append("\(note); was dead")
        update.sql = """
            UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $\(nowParameter), lease_owner = NULL,
                              lease_expires_at = NULL, last_error = $\(noteParameter) || ': ' || COALESCE(dead_reason, ''),
                              dead_reason = NULL, dead_at = NULL
            WHERE state = 'dead' AND (\(condition.sql))
            RETURNING id
            """
        return try await session.all(update).map { try $0("id", as: Int64.self) }.sorted()
    }

    /// The WHERE clause (and its parameters) of a dead-letter filter.
    static func deadLetterQuery(_ filter: DeadLetterFilter) -> PostgresQuery {
        var clauses = ["state = 'dead'"]
        var binds = PostgresBindings()
        if let destination = filter.destination {
            binds.append(destination.rawValue)
            clauses.append("destination = $\(binds.count)")
        }
        if let sourceSystem = filter.sourceSystem {
            binds.append(sourceSystem)
            clauses.append("source_system = $\(binds.count)")
        }
        if let reason = filter.reasonContains {
            // strpos, not LIKE: no wildcards to escape, and case-sensitive like SQLite's instr.
            binds.append(reason)
            clauses.append("strpos(dead_reason, $\(binds.count)) > 0")
        }
        if let since = filter.deadSince {
            binds.append(since)
            clauses.append("dead_at >= $\(binds.count)")
        }
        if let before = filter.deadBefore {
            binds.append(before)
            clauses.append("dead_at < $\(binds.count)")
        }
        return PostgresQuery(unsafeSQL: clauses.joined(separator: " AND "), binds: binds)
    }

    static func limitClause(_ filter: DeadLetterFilter) -> String {
        filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
    }

    func outboxColumns(_ alias: String = "") -> String {
        PostgresRows.outboxColumns(alias)
    }
}
