import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mapping
import NIOCore
import Store
import TestSupport
import Testing

/// A gateway over a fresh store, served on a real loopback port: a SQLite file in a temporary directory, or a new
/// database on the test process's PostgreSQL server, opened through the configuration's `store` as `serve` does.
struct GatewayTestHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tokens = ["hz-housing", "zj-land", "zj-mining", "nb-gpp", "zj-property", "wz-bidding"].reduce(into: [String: String]()) {
        $0[$1] = "token-\($1)"
    }
    static let operatorToken = "token-operator"
    static let domains = [
        "hz-housing": "HOUSING", "zj-land": "LAND", "zj-mining": "MINING", "nb-gpp": "PROCUREMENT", "zj-property": "PROPERTY",
        "wz-bidding": "CONSTRUCTION",
    ]

    let backend: StoreBackend
    let directory: URL
    let configuration: GatewayConfiguration
    let store: any GatewayStore
    let application: GatewayApplication

    init(
        _ backend: StoreBackend = .sqlite, configure: (inout GatewayConfiguration) -> Void = { _ in },
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        self.backend = backend
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = GatewayConfiguration()
        // A free port when served (``serve(_:)``); `live` picks its own.
        configuration.server.port = 0
        configuration.dataDirectory = directory.path
        configuration.mappingsDirectory = Self.root.appendingPathComponent("Mappings").path
        configuration.sources = Self.tokens.map { id, token in
            .init(id: id, tokenSHA256: Tokens.sha256Hex(token), domains: [Self.domains[id]!], regionPrefixes: ["33"])
        }
        configuration.operators = [.init(name: "ops", tokenSHA256: Tokens.sha256Hex(Self.operatorToken))]
        if backend == .postgres {
            configuration.store = try PostgresTestCluster.started().createDatabase()
        }
        configure(&configuration)
        self.configuration = configuration
        let mappings: MappingSet
        switch MappingSet.load(directory: configuration.mappingsDirectory) {
        case .success(let (set, _)): mappings = set
        case .failure(let error): throw error
        }
        var logger = Logger(label: "test")
        logger.logLevel = .error
        store = try await configuration.storeLocation().open(logger: logger)
        application = GatewayApplication(configuration: configuration, store: store, mappings: mappings, logger: logger, now: now)
    }

    /// Removes the temporary directory; a PostgreSQL store closes its connections when it is released.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` against the gateway served over real HTTP on loopback.
    func live(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: application.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live, body)
    }

    static func sample(_ system: String, _ file: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: root.appendingPathComponent("Mappings/tests/\(system)/\(file)")))
    }

    static func headers(token: String?, contentType: String = "application/xml", language: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.contentType: contentType]
        if let token { fields[.authorization] = "Bearer \(token)" }
        if let language { fields[.acceptLanguage] = language }
        return fields
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return try #require(object as? [String: Any])
    }
}
