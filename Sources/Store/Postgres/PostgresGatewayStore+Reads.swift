import ExchangeStandard
import Foundation
import PostgresNIO

extension PostgresGatewayStore {
    public func batch(id: String) async throws -> BatchDetails? {
        try await snapshot("Reading a batch failed.") { session in
            guard
                let row = try await session.row(
                    """
                    SELECT id, source_system, batch_number, body_sha256, body_size, received_at,
                           to_char(received_on, 'YYYY-MM-DD') AS received_on, mapping_version, receipt_json
                    FROM batch WHERE id = \(id)
                    """)
            else { return nil }
            var hubVersions: [VersionDeliveries] = []
            for version in try await session.all(
                "SELECT record_id, version, action FROM hub_record_version WHERE batch_id = \(id) ORDER BY row_seq")
            {
                hubVersions.append(try await Self.versionDeliveries(session, row: version, idColumn: "record_id", destinations: [.hub]))
            }
            var creditVersions: [VersionDeliveries] = []
            for version in try await session.all(
                """
                SELECT c.credit_record_id, c.version, c.action FROM credit_record_version c
                JOIN credit_feed f ON f.credit_record_id = c.credit_record_id AND f.version = c.version
                WHERE c.batch_id = \(id) ORDER BY f.seq
                """)
            {
                creditVersions.append(
                    try await Self.versionDeliveries(session, row: version, idColumn: "credit_record_id", destinations: [.publisher]))
            }
            return BatchDetails(
                batchId: id, sourceSystem: try row("source_system"), batchNumber: try row("batch_number"),
                bodySHA256: try row("body_sha256"), bodyByteCount: try row("body_size"), receivedAt: try row("received_at"),
                receivedOn: try PostgresRows.date(row, "received_on", what: "receivedOn of batch \(id)"),
                mappingVersion: try row("mapping_version"),
                receipt: try StoredValues.storedReceipt(json: try row("receipt_json"), batchId: id),
                hubVersions: hubVersions, creditVersions: creditVersions)
        }
    }

    public func recordHistory(recordId: String) async throws -> [HubRecordVersion] {
        try await snapshot("Reading a record's history failed.") { session in
            var history: [HubRecordVersion] = []
            for row in try await session.all(
                """
                SELECT version, action, content_hash, batch_id, source_system, source_record_id, received_at, mapping_version,
                       record_json, trace, remapped_at
                FROM hub_record_version WHERE record_id = \(recordId) ORDER BY version
                """)
            {
                let json: String = try row("record_json")
                let version: Int = try row("version")
                history.append(
                    HubRecordVersion(
                        record: try StoredValues.decode(HubRecord.self, json: json, what: "hub record \(recordId) v\(version)"),
                        json: Data(json.utf8), provenance: try PostgresRows.provenance(row),
                        deliveries: try await PostgresRows.deliveries(session, destinations: [.hub], recordId: recordId, version: version)))
            }
            return history
        }
    }

    public func creditRecordHistory(creditRecordId: String) async throws -> [CreditRecordVersion] {
        try await snapshot("Reading a credit record's history failed.") { session in
            var history: [CreditRecordVersion] = []
            for row in try await session.all(
                """
                SELECT c.version, c.action, c.content_hash, c.batch_id, c.source_system, c.source_record_id, c.received_at,
                       c.mapping_version, c.record_json, c.trace, c.remapped_at, c.publish_on_credit_zhejiang, f.seq
                FROM credit_record_version c
                JOIN credit_feed f ON f.credit_record_id = c.credit_record_id AND f.version = c.version
                WHERE c.credit_record_id = \(creditRecordId) ORDER BY c.version
                """)
            {
                let json: String = try row("record_json")
                let version: Int = try row("version")
                history.append(
                    CreditRecordVersion(
                        record: try StoredValues.decode(CreditRecord.self, json: json, what: "credit record \(creditRecordId) v\(version)"),
                        json: Data(json.utf8), provenance: try PostgresRows.provenance(row),
                        publishOnCreditZhejiang: try row("publish_on_credit_zhejiang"), feedPosition: FeedCursor(sequence: try row("seq")),
                        deliveries: try await PostgresRows.deliveries(
                            session, destinations: [.publisher], recordId: creditRecordId, version: version)))
            }
            return history
        }
    }

    public func firstVersions(_ query: TimelinessQuery) async throws -> [TimelinessRow] {
        var clauses = ["version = 1"]
        var binds = PostgresBindings()
        if let range = query.formedOn {
            binds.append(range.lowerBound.description)
            binds.append(range.upperBound.description)
            clauses.append("formed_on BETWEEN $\(binds.count - 1)::date AND $\(binds.count)::date")
        }
        if let range = query.dueOn {
            binds.append(range.lowerBound.description)
            binds.append(range.upperBound.description)
            clauses.append("due_on BETWEEN $\(binds.count - 1)::date AND $\(binds.count)::date")
        }
        if let sourceSystem = query.sourceSystem {
            binds.append(sourceSystem)
            clauses.append("source_system = $\(binds.count)")
        }
        let select = PostgresQuery(
            unsafeSQL: """
                SELECT record_id, version, action, source_system, responsible_name, responsible_uscc, domain, item_type,
                       region_code, to_char(formed_on, 'YYYY-MM-DD') AS formed_on, to_char(due_on, 'YYYY-MM-DD') AS due_on,
                       to_char(published_on, 'YYYY-MM-DD') AS published_on, to_char(received_on, 'YYYY-MM-DD') AS received_on, late
                FROM hub_record_version WHERE \(clauses.joined(separator: " AND ")) ORDER BY formed_on, record_id COLLATE "C"
                """,
            binds: binds)
        return try await withSession("Reading first versions failed.") { session in
            try await session.all(select).map { row in
                let recordId: String = try row("record_id")
                return TimelinessRow(
                    recordId: recordId, version: try row("version"), action: try StoredValues.action(try row("action")),
                    sourceSystem: try row("source_system"), responsibleName: try row("responsible_name"),
                    responsibleUSCC: try row("responsible_uscc"), domain: try row("domain"), itemType: try row("item_type"),
                    regionCode: try row("region_code"), formedOn: try PostgresRows.date(row, "formed_on", what: "formedOn of \(recordId)"),
                    dueOn: try PostgresRows.date(row, "due_on", what: "dueOn of \(recordId)"),
                    publishedOn: try (try row("published_on", as: String?.self)).map {
                        try StoredValues.date($0, what: "publishedOn of \(recordId)")
                    },
                    receivedOn: try PostgresRows.date(row, "received_on", what: "receivedOn of \(recordId)"), late: try row("late"))
            }
        }
    }

    private static func versionDeliveries(
        _ session: PostgresSession, row: StoredRow, idColumn: String, destinations: [OutboxDestination]
    ) async throws -> VersionDeliveries {
        let recordId: String = try row(idColumn)
        let version: Int = try row("version")
        return VersionDeliveries(
            recordId: recordId, version: version, action: try StoredValues.action(try row("action")),
            deliveries: try await PostgresRows.deliveries(session, destinations: destinations, recordId: recordId, version: version))
    }
}

extension PostgresGatewayStore {
    /// Newest committed first (the audit chain's sequence is commit order), as the SQLite store lists them.
    public func batches(_ query: BatchListQuery) async throws -> [BatchSummary] {
        let from = query.receivedOn?.lowerBound.description
        let to = query.receivedOn?.upperBound.description
        let limit = query.limit.map { max(0, $0) } ?? Int(Int32.max)
        let offset = max(0, query.offset)
        return try await snapshot("Listing batches failed.") { session in
            var summaries: [BatchSummary] = []
            for row in try await session.all(
                """
                SELECT b.id, b.source_system, b.batch_number, b.received_at, to_char(b.received_on, 'YYYY-MM-DD') AS received_on,
                       b.body_size, b.mapping_version, b.receipt_json
                FROM batch b LEFT JOIN audit_link a ON a.batch_id = b.id
                WHERE (\(query.sourceSystem)::text IS NULL OR b.source_system = \(query.sourceSystem))
                  AND (\(from)::date IS NULL OR b.received_on BETWEEN \(from)::date AND \(to)::date)
                ORDER BY a.seq DESC NULLS LAST, b.id
                LIMIT \(limit) OFFSET \(offset)
                """)
            {
                let id: String = try row("id")
                summaries.append(
                    BatchSummary(
                        batchId: id, sourceSystem: try row("source_system"), batchNumber: try row("batch_number"),
                        receivedAt: try row("received_at"), receivedOn: try PostgresRows.date(row, "received_on", what: "receivedOn of batch \(id)"),
                        bodyByteCount: try row("body_size"), mappingVersion: try row("mapping_version"),
                        counts: ReceiptCounts(try StoredValues.storedReceipt(json: try row("receipt_json"), batchId: id).receipt)))
            }
            return summaries
        }
    }
}
