import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A stand-in for the provincial trading hub: implements `POST /api/v1/records:batch` as `spec/hub-record.md`
/// describes and keeps what it receives in memory, with faults on demand (``StandInFault``).
///
/// Idempotent by `deliveryId`: a repeated one gets the first answer back. A record at the version already held, or
/// lower, counts as accepted without effect; a lower one is also listed in
/// ``TradingHubState/orderingViolations``. Natural persons' ID numbers that arrive unmasked are listed in
/// ``TradingHubState/privacyViolations``.
public final class TradingHubStandIn: StandInAdministration, StandInServing {
    public static let batchPath = "/api/v1/records:batch"
    public static let maxRecordsPerBatch = 500

    /// When set, requests without `Authorization: Bearer <token>` are refused with `401`.
    public let requiredBearerToken: String?
    private let storage = Storage()
    public let core = StandInCore<HubRecord>()

    public init(requiredBearerToken: String? = nil) {
        self.requiredBearerToken = requiredBearerToken
    }

    // MARK: - Server

    /// The Hummingbird application serving the stand-in on `host:port`; port 0 picks a free port, which
    /// ``port()`` returns once the server runs.
    public func makeApplication(
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: StandInTLS? = nil,
        logger: Logger? = nil
    ) throws -> some ApplicationProtocol {
        let router = Router(context: StandInRequestContext.self)
        router.post("/api/v1/records:batch") { request, context in
            try await self.receiveBatch(request, context: context)
        }
        router.addAdminRoutes(self)
        return try StandInServer.makeApplication(
            router: router,
            name: "trading-hub-standin",
            host: host,
            port: port,
            tls: tls,
            boundPort: core.boundPort,
            logger: logger
        )
    }

    // MARK: - State

    public func state() async -> TradingHubState {
        var state = await storage.state
        state.faultsApplied = Dictionary(uniqueKeysWithValues: await core.faults.applied.map { ($0.key.rawValue, $0.value) })
        return state
    }

    public func reset() async {
        await core.faults.clear()
        await storage.reset()
    }

    // MARK: - Protocol

    private func receiveBatch(_ request: Request, context: StandInRequestContext) async throws -> Response {
        await storage.noteRequest(connection: context.connectionName)
        let fault = await core.faults.nextRequestFault()
        return try await StandInFault.apply(fault, context: context) {
            try await handleBatch(request, context: context)
        }
    }

    private struct Batch: Decodable {
        var deliveryId: String
        var records: [HubRecord]

        /// Read like the gateway reads stored records (`CanonicalJSONReader`), falling back to `JSONDecoder`
        /// for what that reader refuses: in the ingest benchmark the stand-in runs inside the gateway's process.
        static func read(_ body: Data) throws -> Batch {
            typealias Failure = CanonicalJSONReader.Failure
            let fast = try? CanonicalJSONReader.read(body) { (reader: inout CanonicalJSONReader) throws(Failure) -> Batch in
                var deliveryId: String?
                var records: [HubRecord]?
                try reader.object { (key: String, member: inout CanonicalJSONReader) throws(Failure) in
                    switch key {
                    case "deliveryId" where deliveryId == nil: deliveryId = try member.string()
                    case "records" where records == nil:
                        records = try member.array { (element: inout CanonicalJSONReader) throws(Failure) in try element.hubRecord() }
                    default: throw member.failure("unexpected key \(key)")
                    }
                }
                guard let deliveryId, let records else { throw reader.failure("deliveryId or records missing") }
                return Batch(deliveryId: deliveryId, records: records)
            }
            return try fast ?? JSONDecoder().decode(Batch.self, from: body)
        }
    }

    private func handleBatch(_ request: Request, context: StandInRequestContext) async throws -> Response {
        if let token = requiredBearerToken, request.headers[.authorization] != "Bearer \(token)" {
            return errorResponse(.unauthorized, "missing or wrong bearer token")
        }
        let body = try await collectBody(request, context: context)
        let batch: Batch
        let rawRecords: [Any]
        do {
            batch = try Batch.read(body)
            // Only rejection rules look at the raw fields; parsing every batch twice cost the benchmarks' gateway CPU.
            if await core.faults.hasRejectionRules {
                let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                rawRecords = object?["records"] as? [Any] ?? []
            } else {
                rawRecords = []
            }
        } catch {
            return errorResponse(.badRequest, "malformed batch: \(error)")
        }
        guard request.headers[HTTPField.Name("Idempotency-Key")!] == batch.deliveryId else {
            return errorResponse(.badRequest, "Idempotency-Key must equal deliveryId")
        }
        guard (1...Self.maxRecordsPerBatch).contains(batch.records.count) else {
            return errorResponse(.badRequest, "a batch holds 1 to \(Self.maxRecordsPerBatch) records, not \(batch.records.count)")
        }
        guard Set(batch.records.map(\.recordId)).count == batch.records.count else {
            return errorResponse(.badRequest, "a batch holds one version per record")
        }
        var rejections: [String: String] = [:]
        for (index, record) in batch.records.enumerated() {
            let fields = index < rawRecords.count ? topLevelStrings(rawRecords[index]) : [:]
            if let reason = await core.faults.rejection(id: record.recordId, fields: fields, record: record) {
                rejections[record.recordId] = reason
            }
        }
        let answer = await storage.process(deliveryId: batch.deliveryId, records: batch.records, rejections: rejections)
        return jsonResponse(.ok, data: answer)
    }

    // MARK: - Storage

    private actor Storage {
        private(set) var state = TradingHubState()
        private var answers: [String: Data] = [:]
        private var connections: Set<String> = []

        func reset() {
            state = TradingHubState()
            answers.removeAll()
            connections.removeAll()
        }

        func noteRequest(connection: String) {
            state.requests += 1
            connections.insert(connection)
            state.connections = connections.count
        }

        /// Applies a batch, or replays the first answer to its `deliveryId`.
        func process(deliveryId: String, records: [HubRecord], rejections: [String: String]) -> Data {
            if let answer = answers[deliveryId] {
                state.idempotentReplays += 1
                return answer
            }
            state.batches += 1
            var accepted: [String] = []
            var rejected: [[String: String]] = []
            for record in records {
                if let reason = rejections[record.recordId] {
                    rejected.append(["recordId": record.recordId, "reason": reason])
                    state.rejections.append(.init(recordId: record.recordId, version: record.version, reason: reason, deliveryId: deliveryId))
                    continue
                }
                checkPrivacy(record)
                accepted.append(record.recordId)
                guard var held = state.records[record.recordId] else {
                    state.records[record.recordId] = .init(version: record.version, appliedVersions: [record.version], record: record)
                    continue
                }
                if record.version > held.version {
                    held.version = record.version
                    held.appliedVersions.append(record.version)
                    held.record = record
                    state.records[record.recordId] = held
                } else if record.version == held.version {
                    state.duplicateVersions += 1
                } else {
                    state.orderingViolations.append(
                        .init(recordId: record.recordId, receivedVersion: record.version, heldVersion: held.version, deliveryId: deliveryId)
                    )
                }
            }
            let answer = BatchAnswer(accepted: accepted, rejected: rejected)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(answer)) ?? Data()
            answers[deliveryId] = data
            return data
        }

        private func checkPrivacy(_ record: HubRecord) {
            for party in [record.responsible] + (record.parties ?? [])
            where party.kind == .naturalPerson || party.kind == .individualBusiness {
                if let number = party.idNumber, !number.contains("*") {
                    state.privacyViolations.append("\(record.recordId) v\(record.version): unmasked idNumber of \(party.role) \(party.name)")
                }
            }
        }
    }

    private struct BatchAnswer: Encodable {
        var accepted: [String]
        var rejected: [[String: String]]
    }
}
