import ExchangeStandard
import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    /// Under the record's advisory lock (no commit versions it meanwhile), with its outbox entries locked `FOR
    /// UPDATE`: a claim on another node either took them before (then they are inflight and the replacement is
    /// refused) or skips them until this transaction ends.
    public func replaceRecordVersionPayload(_ replacement: RecordVersionReplacement, now: Date) async throws -> [Int64] {
        try await transaction("Replacing a record version's payload failed.") { session in
            switch replacement.payload {
            case .hub(let record):
                return try await Self.replaceHub(session, record, replacement, now: now)
            case .credit(let record):
                return try await Self.replaceCredit(session, record, replacement, now: now)
            }
        }
    }

    private static func lockedDeliveries(
        _ session: PostgresSession, destination: OutboxDestination, recordId: String, version: Int
    ) async throws -> [OutboxEntry] {
        try await PostgresLocks.lockRecords(session, [recordId])
        return try await session.all(
            """
            SELECT \(unescaped: PostgresRows.outboxColumns()) FROM outbox
            WHERE record_id = \(recordId) AND version = \(version) AND destination = \(destination.rawValue)
            ORDER BY id FOR UPDATE
            """
        ).map(PostgresRows.outboxEntry)
    }

    private static func replaceHub(_ session: PostgresSession, _ record: HubRecord, _ replacement: RecordVersionReplacement, now: Date)
        async throws -> [Int64]
    {
        let context = ["recordId": record.recordId, "version": String(record.version)]
        let deliveries = try await lockedDeliveries(session, destination: .hub, recordId: record.recordId, version: record.version)
        guard
            let stored = try await session.row(
                "SELECT action, batch_id FROM hub_record_version WHERE record_id = \(record.recordId) AND version = \(record.version)")
        else {
            throw StoreError(.notFound, "There is no such hub record version to replace.", context: context)
        }
        try ReplacementRules.ensureReplaceable(deliveries, context: context)

        var hub = record
        hub.action = try StoredValues.action(try stored("action"))
        hub.source.batchId = try stored("batch_id")
        try await session.execute(
            try """
            UPDATE hub_record_version
            SET record_json = \(try StoreJSON.encodeText(hub)), content_hash = \(replacement.contentHash), trace = \(replacement.trace),
                mapping_version = \(replacement.mappingVersion), remapped_at = \(now),
                responsible_name = \(hub.responsible.name), responsible_uscc = \(hub.responsible.uscc), domain = \(hub.domain),
                item_type = \(hub.itemType), region_code = \(hub.regionCode), formed_on = \(hub.formedOn.description)::date,
                due_on = \(hub.dueOn.description)::date, published_on = \(hub.publishedOn?.description)::date, late = \(hub.late)
            WHERE record_id = \(hub.recordId) AND version = \(hub.version)
            """)
        return try await requeue(session, deliveries, replacement, now: now)
    }

    private static func replaceCredit(
        _ session: PostgresSession, _ record: CreditRecord, _ replacement: RecordVersionReplacement, now: Date
    ) async throws -> [Int64] {
        let context = ["creditRecordId": record.creditRecordId, "version": String(record.version)]
        let deliveries = try await lockedDeliveries(session, destination: .publisher, recordId: record.creditRecordId, version: record.version)
        guard
            let stored = try await session.row(
                """
                SELECT action, batch_id FROM credit_record_version
                WHERE credit_record_id = \(record.creditRecordId) AND version = \(record.version)
                """)
        else {
            throw StoreError(.notFound, "There is no such credit record version to replace.", context: context)
        }
        try ReplacementRules.ensureReplaceable(deliveries, context: context)

        var credit = record
        credit.action = try StoredValues.action(try stored("action"))
        credit.source.batchId = try stored("batch_id")
        try await session.execute(
            try """
            UPDATE credit_record_version
            SET record_json = \(try StoreJSON.encodeText(credit)), content_hash = \(replacement.contentHash), trace = \(replacement.trace),
                mapping_version = \(replacement.mappingVersion), remapped_at = \(now), publicity_ends_on = \(credit.CF_GSJZQ?.description)::date
            WHERE credit_record_id = \(credit.creditRecordId) AND version = \(credit.version)
            """)
        return try await requeue(session, deliveries, replacement, now: now)
    }

    private static func requeue(
        _ session: PostgresSession, _ deliveries: [OutboxEntry], _ replacement: RecordVersionReplacement, now: Date
    ) async throws -> [Int64] {
        let dead = deliveries.filter { $0.state == .dead }.map(\.id)
        guard !dead.isEmpty else { return [] }
        return try await requeueDead(
            session, where: "id = ANY(\(dead)::int8[])", note: "requeued after re-mapping with mapping \(replacement.mappingVersion)", now: now)
    }
}
