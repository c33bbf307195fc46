import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A stand-in for the Credit Zhejiang (信用浙江) publisher: `PUT` and `DELETE /api/v1/publications/{creditRecordId}`
/// as `spec/credit-record.md` describes, kept in memory, with faults on demand (``StandInFault``).
///
/// Keeps the highest version per record: an older PUT or DELETE answers `409` and is listed in
/// ``CreditZhejiangState/orderingViolations``. Checks, as a receiver that must not show them, that no unmasked
/// personal ID number, no legal representative's ID number and no 警告/通报批评-only record arrives
/// (``CreditZhejiangState/privacyViolations``).
public final class CreditZhejiangStandIn: StandInAdministration, StandInServing {
    public static let publicationsPath = "/api/v1/publications"

    /// When set, requests without `Authorization: Bearer <token>` are refused with `401`.
    public let requiredBearerToken: String?
    private let storage = Storage()
    public let core = StandInCore<CreditRecord>()

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
        router.put("/api/v1/publications/:id") { request, context in
            try await self.receive(request, context: context) { try await self.handlePut(request, context: context) }
        }
        router.delete("/api/v1/publications/:id") { request, context in
            try await self.receive(request, context: context) { try await self.handleDelete(request, context: context) }
        }
        router.addAdminRoutes(self)
        return try StandInServer.makeApplication(
            router: router,
            name: "credit-zhejiang-standin",
            host: host,
            port: port,
            tls: tls,
            boundPort: core.boundPort,
            logger: logger
        )
    }

    // MARK: - State

    public func state() async -> CreditZhejiangState {
        var state = await storage.state
        state.faultsApplied = Dictionary(uniqueKeysWithValues: await core.faults.applied.map { ($0.key.rawValue, $0.value) })
        return state
    }

    public func reset() async {
        await core.faults.clear()
        await storage.reset()
    }

    // MARK: - Protocol

    private func receive(
        _ request: Request,
        context: StandInRequestContext,
        handle: () async throws -> Response
    ) async throws -> Response {
        await storage.noteRequest(connection: context.connectionName)
        let fault = await core.faults.nextRequestFault()
        return try await StandInFault.apply(fault, context: context) {
            if let token = requiredBearerToken, request.headers[.authorization] != "Bearer \(token)" {
                return errorResponse(.unauthorized, "missing or wrong bearer token")
            }
            return try await handle()
        }
    }

    private func handlePut(_ request: Request, context: StandInRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await collectBody(request, context: context)
        let record: CreditRecord
        let fields: [String: String]
        do {
            record = try CreditRecord(storedJSON: body)
            fields = await core.faults.hasRejectionRules ? topLevelStrings(try JSONSerialization.jsonObject(with: body)) : [:]
        } catch {
            return errorResponse(.badRequest, "malformed credit record: \(error)")
        }
        guard record.creditRecordId == id else {
            return errorResponse(.badRequest, "creditRecordId \(record.creditRecordId) does not match the path (\(id))")
        }
        if let reason = await core.faults.rejection(id: id, fields: fields, record: record) {
            await storage.noteRejection(.init(creditRecordId: id, version: record.version, reason: reason))
            return errorResponse(.badRequest, reason)
        }
        let status = await storage.put(record)
        return jsonResponse(status, ["creditRecordId": id, "version": String(record.version)])
    }

    private func handleDelete(_ request: Request, context: StandInRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let versionText = request.uri.queryParameters["version"], let version = Int(versionText), version >= 1 else {
            return errorResponse(.badRequest, "DELETE needs ?version=N")
        }
        let status = await storage.delete(id: id, version: version)
        return status == .noContent ? Response(status: status) : errorResponse(status, "\(status.code)")
    }

    // MARK: - Storage

    private actor Storage {
        private(set) var state = CreditZhejiangState()
        private var connections: Set<String> = []

        func reset() {
            state = CreditZhejiangState()
            connections.removeAll()
        }

        func noteRequest(connection: String) {
            state.requests += 1
            connections.insert(connection)
            state.connections = connections.count
        }

        func noteRejection(_ rejection: CreditZhejiangState.Rejection) {
            state.rejections.append(rejection)
        }

        /// `201` first publication, `200` newer version or same version again, `409` older version.
        func put(_ record: CreditRecord) -> HTTPResponse.Status {
            let id = record.creditRecordId
            checkPrivacy(record)
            guard var publication = state.publications[id] else {
                state.publications[id] = .init(version: record.version, record: record, history: ["put \(record.version)"])
                return .created
            }
            if record.version < publication.version || (record.version == publication.version && publication.record == nil) {
                // A PUT of the version a DELETE already took down is older news than that DELETE.
                state.orderingViolations.append(
                    .init(creditRecordId: id, operation: "put", receivedVersion: record.version, heldVersion: publication.version)
                )
                return .conflict
            }
            if record.version == publication.version {
                state.duplicateVersions += 1
                return .ok
            }
            let wasPublished = publication.record != nil
            publication.version = record.version
            publication.record = record
            publication.history.append("put \(record.version)")
            state.publications[id] = publication
            return wasPublished ? .ok : .created
        }

        /// `204` taken down, `404` nothing published (never, or already taken down), `409` older version.
        func delete(id: String, version: Int) -> HTTPResponse.Status {
            guard var publication = state.publications[id] else {
                // Remember the version so that an older PUT arriving later shows up as an ordering violation.
                state.publications[id] = .init(version: version, record: nil, history: [])
                return .notFound
            }
            if version < publication.version {
                state.orderingViolations.append(
                    .init(creditRecordId: id, operation: "delete", receivedVersion: version, heldVersion: publication.version)
                )
                return .conflict
            }
            guard publication.record != nil else {
                if version == publication.version { state.duplicateVersions += 1 }
                publication.version = version
                state.publications[id] = publication
                return .notFound
            }
            publication.version = version
            publication.record = nil
            publication.history.append("delete \(version)")
            state.publications[id] = publication
            state.deletions.append(.init(creditRecordId: id, version: version))
            return .noContent
        }

        /// The receiver's own check of what `PublicationPolicy` must have done.
        private func checkPrivacy(_ record: CreditRecord) {
            let label = "\(record.creditRecordId) v\(record.version)"
            if record.CF_FR_ZJHM != nil {
                state.privacyViolations.append("\(label): legal representative's ID number (CF_FR_ZJHM) published")
            }
            if record.CF_XDR_LB != .organization, let number = record.CF_XDR_ZJHM, !number.contains("*") {
                state.privacyViolations.append("\(label): unmasked CF_XDR_ZJHM")
            }
            let categories = record.CF_CFLB.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            if !categories.isEmpty, categories.allSatisfy({ $0 == "警告" || $0 == "通报批评" }) {
                state.privacyViolations.append("\(label): only 警告/通报批评 (\(record.CF_CFLB)) must not be published")
            }
        }
    }
}
