import ExchangeStandard
import Foundation
import GRDB

extension SQLiteGatewayStore {
    public func batch(id: String) async throws -> BatchDetails? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE id = ?", arguments: [id]) else { return nil }
            let hubVersions = try Row.fetchAll(
                db, sql: "SELECT record_id, version, action FROM hub_record_version WHERE batch_id = ? ORDER BY rowid", arguments: [id]
            ).map { row in
                try Self.versionDeliveries(db, row: row, idColumn: "record_id", destinations: [.hub])
            }
            let creditVersions = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.credit_record_id, c.version, c.action FROM credit_record_version c
                    JOIN credit_feed f ON f.credit_record_id = c.credit_record_id AND f.version = c.version
                    WHERE c.batch_id = ? ORDER BY f.seq
                    """,
                arguments: [id]
            ).map { row in
                try Self.versionDeliveries(db, row: row, idColumn: "credit_record_id", destinations: [.publisher])
            }
            return BatchDetails(
                batchId: id, sourceSystem: row["source_system"], batchNumber: row["batch_number"], bodySHA256: row["body_sha256"],
                bodyByteCount: row["body_size"], receivedAt: row["received_at"],
                receivedOn: try StoredValues.date(row["received_on"], what: "receivedOn of batch \(id)"),
                mappingVersion: row["mapping_version"], receipt: try StoredValues.storedReceipt(json: row["receipt_json"], batchId: id),
                hubVersions: hubVersions, creditVersions: creditVersions)
        }
    }

    public func recordHistory(recordId: String) async throws -> [HubRecordVersion] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hub_record_version WHERE record_id = ? ORDER BY version", arguments: [recordId])
                .map { row in
                    let json: String = row["record_json"]
                    let version: Int = row["version"]
                    return HubRecordVersion(
                        record: try StoredValues.decode(HubRecord.self, json: json, what: "hub record \(recordId) v\(version)"),
                        json: Data(json.utf8), provenance: try Self.provenance(row),
                        deliveries: try SQLiteRows.deliveries(db, destinations: [.hub], recordId: recordId, version: version))
                }
        }
    }

    public func creditRecordHistory(creditRecordId: String) async throws -> [CreditRecordVersion] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, f.seq FROM credit_record_version c
                    JOIN credit_feed f ON f.credit_record_id = c.credit_record_id AND f.version = c.version
                    WHERE c.credit_record_id = ? ORDER BY c.version
                    """,
                arguments: [creditRecordId]
            ).map { row in
                let json: String = row["record_json"]
                let version: Int = row["version"]
                return CreditRecordVersion(
                    record: try StoredValues.decode(CreditRecord.self, json: json, what: "credit record \(creditRecordId) v\(version)"),
                    json: Data(json.utf8), provenance: try Self.provenance(row),
                    publishOnCreditZhejiang: row["publish_on_credit_zhejiang"], feedPosition: FeedCursor(sequence: row["seq"]),
                    deliveries: try SQLiteRows.deliveries(db, destinations: [.publisher], recordId: creditRecordId, version: version))
            }
        }
    }

    public func firstVersions(_ query: TimelinessQuery) async throws -> [TimelinessRow] {
        var clauses = ["version = 1"]
        var arguments = StatementArguments()
        if let range = query.formedOn {
            clauses.append("formed_on BETWEEN ? AND ?")
            arguments += [range.lowerBound.description, range.upperBound.description]
        }
        if let range = query.dueOn {
            clauses.append("due_on BETWEEN ? AND ?")
            arguments += [range.lowerBound.description, range.upperBound.description]
        }
        if let sourceSystem = query.sourceSystem {
            clauses.append("source_system = ?")
            arguments += [sourceSystem]
        }
        let condition = clauses.joined(separator: " AND ")
        let queryArguments = arguments
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT record_id, version, action, source_system, responsible_name, responsible_uscc, domain, item_type,
                           region_code, formed_on, due_on, published_on, received_on, late
                    FROM hub_record_version WHERE \(condition) ORDER BY formed_on, record_id
                    """,
                arguments: queryArguments
            ).map { row in
                let recordId: String = row["record_id"]
                return TimelinessRow(
                    recordId: recordId, version: row["version"], action: try StoredValues.action(row["action"]),
                    sourceSystem: row["source_system"], responsibleName: row["responsible_name"],
                    responsibleUSCC: row["responsible_uscc"], domain: row["domain"], itemType: row["item_type"],
                    regionCode: row["region_code"], formedOn: try StoredValues.date(row["formed_on"], what: "formedOn of \(recordId)"),
                    dueOn: try StoredValues.date(row["due_on"], what: "dueOn of \(recordId)"),
                    publishedOn: try (row["published_on"] as String?).map { try StoredValues.date($0, what: "publishedOn of \(recordId)") },
                    receivedOn: try StoredValues.date(row["received_on"], what: "receivedOn of \(recordId)"), late: row["late"])
            }
        }
    }

    private static func versionDeliveries(_ db: Database, row: Row, idColumn: String, destinations: [OutboxDestination]) throws
        -> VersionDeliveries
    {
        let recordId: String = row[idColumn]
        let version: Int = row["version"]
        return VersionDeliveries(
            recordId: recordId, version: version, action: try StoredValues.action(row["action"]),
            deliveries: try SQLiteRows.deliveries(db, destinations: destinations, recordId: recordId, version: version))
    }

    private static func provenance(_ row: Row) throws -> VersionProvenance {
        VersionProvenance(
            version: row["version"], action: try StoredValues.action(row["action"]), contentHash: row["content_hash"],
            batchId: row["batch_id"], sourceSystem: row["source_system"], sourceRecordId: row["source_record_id"],
            receivedAt: row["received_at"], mappingVersion: row["mapping_version"], trace: row["trace"], remappedAt: row["remapped_at"])
    }
}

extension SQLiteGatewayStore {
    public func batches(_ query: BatchListQuery) async throws -> [BatchSummary] {
        var clauses = ["1 = 1"]
        var arguments = StatementArguments()
        if let sourceSystem = query.sourceSystem {
            clauses.append("b.source_system = ?")
            arguments += [sourceSystem]
        }
        if let range = query.receivedOn {
            clauses.append("b.received_on BETWEEN ? AND ?")
            arguments += [range.lowerBound.description, range.upperBound.description]
        }
        // SQLite needs a LIMIT before an OFFSET; -1 is "no limit".
        let page = " LIMIT \(query.limit.map { max(0, $0) } ?? -1) OFFSET \(max(0, query.offset))"
        let sql = """
            SELECT b.id, b.source_system, b.batch_number, b.received_at, b.received_on, b.body_size, b.mapping_version, b.receipt_json
            FROM batch b LEFT JOIN audit_link a ON a.batch_id = b.id
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY a.seq IS NULL, a.seq DESC, b.id\(page)
            """
        let queryArguments = arguments
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: queryArguments).map { row in
                let id: String = row["id"]
                return BatchSummary(
                    batchId: id, sourceSystem: row["source_system"], batchNumber: row["batch_number"], receivedAt: row["received_at"],
                    receivedOn: try StoredValues.date(row["received_on"], what: "receivedOn of batch \(id)"), bodyByteCount: row["body_size"],
                    mappingVersion: row["mapping_version"],
                    counts: ReceiptCounts(try StoredValues.storedReceipt(json: row["receipt_json"], batchId: id).receipt))
            }
        }
    }
}
