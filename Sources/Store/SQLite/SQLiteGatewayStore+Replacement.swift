import ExchangeStandard
import Foundation
import GRDB

extension SQLiteGatewayStore {
    public func replaceRecordVersionPayload(_ replacement: RecordVersionReplacement, now: Date) async throws -> [Int64] {
        try await write { db in
            switch replacement.payload {
            case .hub(let record):
                return try Self.replaceHub(db, record, replacement, now: now)
            case .credit(let record):
                return try Self.replaceCredit(db, record, replacement, now: now)
            }
        }
    }

    private static func replaceHub(_ db: Database, _ record: HubRecord, _ replacement: RecordVersionReplacement, now: Date) throws
        -> [Int64]
    {
        let context = ["recordId": record.recordId, "version": String(record.version)]
        guard
            let stored = try Row.fetchOne(
                db, sql: "SELECT action, batch_id FROM hub_record_version WHERE record_id = ? AND version = ?",
                arguments: [record.recordId, record.version])
        else {
            throw StoreError(.notFound, "There is no such hub record version to replace.", context: context)
        }
        let deliveries = try SQLiteRows.deliveries(db, destinations: [.hub], recordId: record.recordId, version: record.version)
        try ReplacementRules.ensureReplaceable(deliveries, context: context)

        var hub = record
        hub.action = try StoredValues.action(stored["action"])
        hub.source.batchId = stored["batch_id"]
        try db.execute(
            sql: """
                UPDATE hub_record_version
                SET record_json = ?, content_hash = ?, trace = ?, mapping_version = ?, remapped_at = ?,
                    responsible_name = ?, responsible_uscc = ?, domain = ?, item_type = ?, region_code = ?,
                    formed_on = ?, due_on = ?, published_on = ?, late = ?
                WHERE record_id = ? AND version = ?
                """,
            arguments: [
                try StoreJSON.encodeText(hub), replacement.contentHash, replacement.trace, replacement.mappingVersion, now,
                hub.responsible.name, hub.responsible.uscc, hub.domain, hub.itemType, hub.regionCode,
                hub.formedOn.description, hub.dueOn.description, hub.publishedOn?.description, hub.late,
                hub.recordId, hub.version,
            ])
        let dead = deliveries.filter { $0.state == .dead }.map(\.id)
        try requeueDead(db, ids: dead, note: "requeued after re-mapping with mapping \(replacement.mappingVersion)", now: now)
        return dead
    }

    private static func replaceCredit(_ db: Database, _ record: CreditRecord, _ replacement: RecordVersionReplacement, now: Date)
        throws -> [Int64]
    {
        let context = ["creditRecordId": record.creditRecordId, "version": String(record.version)]
        guard
            let stored = try Row.fetchOne(
                db, sql: "SELECT action, batch_id FROM credit_record_version WHERE credit_record_id = ? AND version = ?",
                arguments: [record.creditRecordId, record.version])
        else {
            throw StoreError(.notFound, "There is no such credit record version to replace.", context: context)
        }
        let deliveries = try SQLiteRows.deliveries(db, destinations: [.publisher], recordId: record.creditRecordId, version: record.version)
        try ReplacementRules.ensureReplaceable(deliveries, context: context)

        var credit = record
        credit.action = try StoredValues.action(stored["action"])
        credit.source.batchId = stored["batch_id"]
        try db.execute(
            sql: """
                UPDATE credit_record_version
                SET record_json = ?, content_hash = ?, trace = ?, mapping_version = ?, remapped_at = ?, publicity_ends_on = ?
                WHERE credit_record_id = ? AND version = ?
                """,
            arguments: [
                try StoreJSON.encodeText(credit), replacement.contentHash, replacement.trace, replacement.mappingVersion, now,
                credit.CF_GSJZQ?.description, credit.creditRecordId, credit.version,
            ])
        let dead = deliveries.filter { $0.state == .dead }.map(\.id)
        try requeueDead(db, ids: dead, note: "requeued after re-mapping with mapping \(replacement.mappingVersion)", now: now)
        return dead
    }
}
