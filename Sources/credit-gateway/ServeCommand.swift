import ArgumentParser
import Delivery
import Foundation
import GatewayServer
import Hummingbird
import Logging
import Mapping
import Metrics
import ReceiverStandIns
import ServiceLifecycle
import Store
import UnixSignals

/// `credit-gateway serve`: the gateway on its configured store: by default a SQLite file in the data directory, or
/// a PostgreSQL database that several `serve` processes share (`store: postgres://…`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway: batch intake, operator API, health.")

    @Option(help: "Configuration file (YAML). Environment variables GATEWAY_* override it.")
    var config: String?

    @Flag(help: "Register the six sample department systems and an operator with fresh tokens, and print the tokens.")
    var demo = false

    @Option(name: .customLong("data-dir"), help: "Data directory (SQLite file, upload spool); overrides the configuration.")
    var dataDirectory: String?

    @Option(help: "Port to listen on; overrides the configuration.")
    var port: Int?

    @Option(name: .customLong("store"), help: "Store: sqlite:<path> or postgres://user@host:port/database; overrides the configuration.")
    var storeURL: String?

    @Flag(
        name: .customLong("stand-ins"), help: "Also run the stand-in trading hub and Credit Zhejiang publisher and deliver to them (on with --demo).")
    var standIns = false

    @Option(name: .customLong("stand-in-ports"), help: "Ports of the stand-in hub and publisher.")
    var standInPorts: String = "8091,8092"

    @Flag(name: .customLong("no-delivery"), help: "Take in batches but run no outbox workers and no stand-ins (benchmarks, maintenance).")
    var noDelivery = false

    func run() async throws {
        var configuration = try GatewayConfiguration.load(file: config)
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let port { configuration.server.port = port }
        if let storeURL { configuration.store = storeURL }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        if demo { configuration = try DemoConfiguration.prepare(configuration) }

        var logger = Logger(label: "credit-gateway")
        logger.logLevel = .info
        let mappings = try MappingsCommand.loadOrExit(configuration.mappingsDirectory, language: .chinese)
        let location = try configuration.storeLocation()
        let store = try await location.open(logger: logger)
        // One registry for the process: `/metrics` shows the gateway's own metrics and anything a library records
        // through swift-metrics.
        let metrics = GatewayMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let registry = MappingRegistry(initial: mappings, requiredSystems: configuration.requiredMappingSystems)
        let board = DestinationStatusBoard(metrics: metrics)
        let gateway = GatewayApplication(
            configuration: configuration, store: store, mappings: registry, metrics: metrics, destinations: board, logger: logger)
        var services: [any Service] = [
            try gateway.makeApplication(),
            MappingReloadService(
                registry: registry, pollInterval: configuration.mappingsPollSeconds > 0 ? .seconds(configuration.mappingsPollSeconds) : nil,
                logger: logger, onReload: { metrics.mappingReload($0) }),
        ]

        if (standIns || demo) && !noDelivery {
            let ports = standInPorts.split(separator: ",").compactMap { Int($0) }
            guard ports.count == 2 else { throw ValidationError("--stand-in-ports takes two ports, e.g. 8091,8092") }
            var quiet = logger
            quiet.logLevel = .warning
            services.append(try TradingHubStandIn().makeApplication(host: "127.0.0.1", port: ports[0], logger: quiet))
            services.append(try CreditZhejiangStandIn().makeApplication(host: "127.0.0.1", port: ports[1], logger: quiet))
            configuration.destinations.hub = configuration.destinations.hub ?? .init(baseURL: "http://127.0.0.1:\(ports[0])")
            configuration.destinations.publisher = configuration.destinations.publisher ?? .init(baseURL: "http://127.0.0.1:\(ports[1])")
            print("Stand-in trading hub:       http://127.0.0.1:\(ports[0])/_standin/state")
            print("Stand-in Credit Zhejiang:   http://127.0.0.1:\(ports[1])/_standin/state")
        }
        let client = HTTPClient()
        let queue = StoreOutboxQueue(store: store, metrics: metrics)
        let workerConfiguration = OutboxWorker.Configuration(leaseSeconds: configuration.deliveryLeaseSeconds)
        if noDelivery {
            configuration.destinations = .init()
        }
        // The workers log each health change themselves; the board keeps it for the console and the metrics.
        if let hub = configuration.destinations.hub {
            let worker = OutboxWorker(
                receiver: .tradingHub(HubDeliveryProtocol(endpoint: Self.endpoint(hub))), queue: queue, client: client,
                configuration: workerConfiguration, logger: logger,
                onHealthEvent: { board.record($0, $1) })
            board.register(.tradingHub)
            services.append(OutboxWorkerService(worker: worker))
        }
        if let publisher = configuration.destinations.publisher {
            let worker = OutboxWorker(
                receiver: .creditZhejiang(PublisherDeliveryProtocol(endpoint: Self.endpoint(publisher))), queue: queue, client: client,
                configuration: workerConfiguration, logger: logger,
                onHealthEvent: { board.record($0, $1) })
            board.register(.creditZhejiang)
            services.append(OutboxWorkerService(worker: worker))
        }
        services.append(PublicityExpiryService(store: store, interval: .seconds(configuration.publicityCheckSeconds), logger: logger))

        let scheme = configuration.server.tls == nil ? "http" : "https"
        logger.info(
            "credit-gateway listening on \(scheme)://\(configuration.server.host):\(configuration.server.port) with \(mappings.mappings.count) mappings, store \(location)"
        )
        logger.info(
            "console: \(scheme)://\(configuration.server.host):\(configuration.server.port)/console · metrics: /metrics · reload mappings: kill -HUP \(getpid())"
        )
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    static func endpoint(_ destination: GatewayConfiguration.Destination) -> ReceiverEndpoint {
        ReceiverEndpoint(
            baseURL: destination.baseURL, bearerToken: destination.bearerToken,
            tls: .init(
                caBundlePath: destination.caBundlePath, clientCertificatePath: destination.clientCertificatePath,
                clientKeyPath: destination.clientKeyPath))
    }
}

/// The demo set-up the README's run command uses: the six sample systems and an operator, with tokens
/// generated once and kept in the data directory (so a restart keeps them), printed on every start.
enum DemoConfiguration {
    struct Tokens: Codable {
        var sources: [String: String]
        var operatorToken: String
    }

    static let samples: [(id: String, domains: [String])] = [
        ("hz-housing", ["HOUSING"]), ("zj-land", ["LAND"]), ("zj-mining", ["MINING"]), ("nb-gpp", ["PROCUREMENT"]),
        ("zj-property", ["PROPERTY"]), ("wz-bidding", ["CONSTRUCTION"]),
    ]

    static func prepare(_ base: GatewayConfiguration) throws -> GatewayConfiguration {
        let file = (base.dataDirectory as NSString).appendingPathComponent("demo-tokens.json")
        var tokens: Tokens
        if let data = FileManager.default.contents(atPath: file), let existing = try? JSONDecoder().decode(Tokens.self, from: data) {
            tokens = existing
        } else {
            tokens = Tokens(
                sources: Dictionary(uniqueKeysWithValues: samples.map { ($0.id, GatewayServer.Tokens.generate()) }),
                operatorToken: GatewayServer.Tokens.generate())
            try JSONEncoder().encode(tokens).write(to: URL(fileURLWithPath: file))
            _ = chmod(file, 0o600)
        }
        var configuration = base
        for sample in samples where !configuration.sources.contains(where: { $0.id == sample.id }) {
            configuration.sources.append(
                .init(
                    id: sample.id, tokenSHA256: GatewayServer.Tokens.sha256Hex(tokens.sources[sample.id]!), domains: sample.domains,
                    regionPrefixes: ["33"]))
        }
        configuration.operators.append(.init(name: "demo-operator", tokenSHA256: GatewayServer.Tokens.sha256Hex(tokens.operatorToken)))
        print("Demo tokens (also in \(file)):")
        for sample in samples { print("  \(sample.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(tokens.sources[sample.id]!)") }
        print("  operator     \(tokens.operatorToken)")
        return configuration
    }
}

/// `credit-gateway token create`: a new bearer token and the hash to put in the configuration.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage bearer tokens.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a token; the configuration stores only its SHA-256.")

        func run() {
            let token = GatewayServer.Tokens.generate()
            print("token:       \(token)")
            print("tokenSHA256: \(GatewayServer.Tokens.sha256Hex(token))")
        }
    }
}

/// `credit-gateway audit verify`: walks the batch hash chain and names the first broken link.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Audit chain tools.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify the audit chain of every accepted batch.")

        @OptionGroup var storeOptions: StoreOptions

        @Flag(help: "Also re-hash every stored raw batch body.")
        var bodies = false

        func run() async throws {
            let result = try await storeOptions.withStore { store in try await store.verifyAuditChain(rehashBodies: bodies) }
            if let broken = result.firstBroken {
                print("审计链断裂 / audit chain broken: \(broken)")
                throw ExitCode(1)
            }
            print("审计链完整 / audit chain intact: \(result.linksChecked) links")
        }
    }
}
