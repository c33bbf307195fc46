import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Mapping
import NIOCore
import Store

/// The gateway's HTTP face: ingest for department systems, reads and the console for operators, metrics and health
/// for orchestration.
public struct GatewayApplication: Sendable {
    public let configuration: GatewayConfiguration
    public let store: any GatewayStore
    /// The mappings in use, reloadable while the gateway runs (``MappingReloadService``).
    public let mappings: MappingRegistry
    public let metrics: GatewayMetrics
    /// What the outbox workers of this process report about the receivers.
    public let destinations: DestinationStatusBoard
    public let logger: Logger
    let gate: SourceGate
    /// When a batch is received; a parameter so tests can replay history on fixed days.
    let now: @Sendable () -> Date
    let consoleSessions: ConsoleSessions

    public init(
        configuration: GatewayConfiguration, store: any GatewayStore, mappings: MappingRegistry, metrics: GatewayMetrics = GatewayMetrics(),
        destinations: DestinationStatusBoard? = nil, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.store = store
        self.mappings = mappings
        self.metrics = metrics
        self.destinations = destinations ?? DestinationStatusBoard(metrics: metrics)
        self.logger = logger
        self.now = now
        self.gate = SourceGate(
            concurrentLimit: configuration.limits.concurrentBatchesPerSource, perMinute: configuration.limits.requestsPerMinutePerSource)
        self.consoleSessions = ConsoleSessions()
    }

    /// A gateway over a fixed set of mappings (reloadable only through ``mappings``).
    public init(
        configuration: GatewayConfiguration, store: any GatewayStore, mappings: MappingSet, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            configuration: configuration, store: store,
            mappings: MappingRegistry(initial: mappings, requiredSystems: configuration.requiredMappingSystems), logger: logger, now: now)
    }

    /// The Hummingbird application: HTTPS when `server.tls` is configured (with client certificates when it names a CA).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> Application<RouterResponder<BasicRequestContext>> {
        let address = ApplicationConfiguration(
            address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "credit-gateway")
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()]))
        let server = try configuration.server.tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0.makeConfiguration()) } ?? http1
        return Application(router: buildRouter(), server: server, configuration: address, onServerRunning: onServerRunning, logger: logger)
    }

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Request counts and durations per route, into whatever `MetricsSystem` holds (`serve`: the /metrics registry).
        router.add(middleware: MetricsMiddleware())
        let ingestor = BatchIngestor(store: store, mappings: mappings, configuration: configuration, logger: logger, metrics: metrics)
        router.post("/v1/batches") { request, _ in
            await self.postBatch(request, ingestor: ingestor)
        }
        router.get("/v1/batches/:id") { request, context in
            try await self.withOperator(request) {
                let id = try context.parameters.require("id")
                guard let details = try await self.store.batch(id: id) else {
                    return Self.json(404, ["error": .object(["code": .string("not_found"), "message": .string("no batch \(id)")])])
                }
                return Self.json(200, GatewayJSON.batch(details))
            }
        }
        router.get("/v1/records/:id") { request, context in
            try await self.withOperator(request) {
                let id = try context.parameters.require("id")
                let hub = try await self.store.recordHistory(recordId: id)
                if !hub.isEmpty { return Self.json(200, GatewayJSON.hubHistory(id, hub)) }
                let credit = try await self.store.creditRecordHistory(creditRecordId: id)
                if !credit.isEmpty { return Self.json(200, GatewayJSON.creditHistory(id, credit)) }
                return Self.json(404, ["error": .object(["code": .string("not_found"), "message": .string("no record \(id)")])])
            }
        }
        router.get("/v1/dead-letters") { request, _ in
            try await self.withOperator(request) { try await self.listDeadLetters(request) }
        }
        router.post("/v1/dead-letters/replay") { request, _ in
            try await self.withOperator(request) { try await self.replayDeadLetters(request) }
        }
        router.get("/v1/reports/timeliness") { request, _ in
            try await self.withOperator(request) { try await self.timelinessReport(request) }
        }
        router.get("/v1/feeds/credit") { request, _ in
            try await self.creditFeed(request)
        }
        router.get("/health") { _, _ in Self.json(200, ["status": .string("up")]) }
        router.get("/ready") { _, _ in await self.readiness() }
        router.get("/metrics") { _, _ in try await self.metricsExposition() }
        router.get("/v1/batches") { request, _ in
            try await self.withOperator(request) { try await self.listBatches(request) }
        }
        addConsoleRoutes(to: router)
        return router
    }

    // MARK: - Ingest

    func postBatch(_ request: Request, ingestor: BatchIngestor) async -> Response {
        let language = MessageLanguage(acceptLanguage: request.headers[.acceptLanguage])
        // Authentication comes first: nobody gets a byte of their body parsed without a valid token.
        guard let token = Tokens.bearer(request.headers[.authorization]),
            let source = configuration.sources.first(where: { Tokens.matches(token, sha256Hex: $0.tokenSHA256) })
        else {
            var response = Self.error(
                401, "unauthorized",
                language == .english ? "a valid bearer token of a registered department system is required" : "需要已登记部门系统的有效访问令牌（Bearer）",
                language)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"credit-gateway\""
            return response
        }
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/xml" || mediaType == "text/xml" else {
            return Self.error(
                415, "unsupported_media_type",
                language == .english
                    ? "send the batch as application/xml or text/xml (got \(mediaType ?? "none"))"
                    : "请以 application/xml 或 text/xml 报送批次（收到 \(mediaType ?? "无")）",
                language)
        }
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces)
        guard encoding == nil || encoding == "gzip" || encoding == "identity" else {
            return Self.error(
                415, "unsupported_encoding",
                language == .english ? "Content-Encoding \(encoding!) is not supported; use gzip" : "不支持的 Content-Encoding：\(encoding!)，请使用 gzip",
                language)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.limits.maxBatchBytes {
            return Self.error(
                413, "too_large",
                language == .english
                    ? "the batch is larger than \(configuration.limits.maxBatchBytes) bytes" : "批次超过大小上限 \(configuration.limits.maxBatchBytes) 字节",
                language)
        }
        switch await gate.enter(source.id) {
        case .refused(let retryAfter, let reason):
            var response = Self.error(
                429, "too_many_requests",
                language == .english
                    ? "too many batches from \(source.id) (\(reason)); retry after \(retryAfter) s" : "\(source.id) 报送过于频繁，请 \(retryAfter) 秒后重试",
                language)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .admitted:
            break
        }
        let result = await ingestor.ingest(source: source, body: request.body, gzip: encoding == "gzip", language: language, receivedAt: now())
        await gate.leave(source.id)
        var response = Response(
            status: .init(code: result.status), headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: result.body)))
        if let retryAfter = result.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    // MARK: - Helpers

    func withOperator(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        guard let token = Tokens.bearer(request.headers[.authorization]),
            configuration.operators.contains(where: { Tokens.matches(token, sha256Hex: $0.tokenSHA256) })
        else {
            var response = Self.error(401, "unauthorized", "an operator token is required / 需要运维人员令牌", .chinese)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"credit-gateway\""
            return response
        }
        return try await body()
    }

    static func error(_ status: Int, _ code: String, _ message: String, _ language: MessageLanguage) -> Response {
        json(status, ["error": .object(["code": .string(code), "message": .string(message)])])
    }

    static func json(_ status: Int, _ object: [String: JSONValue]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSONValue.object(object))) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
