import Foundation
import Mapping
import Store
import Yams

/// The gateway's configuration: a YAML file decoded into defaulted `Sendable` structs, then environment
/// overrides (`GATEWAY_PORT`, `GATEWAY_DATA_DIR`, …) so containers and CI can change a field without a file.
public struct GatewayConfiguration: Sendable, Codable {
    public struct Server: Sendable, Codable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// HTTPS when set; plain HTTP is meant for loopback and development.
        public var tls: ServerTLS?
        public init() {}
    }

    public struct Limits: Sendable, Codable {
        /// Bytes of one batch body (after gzip decoding); more is answered 413.
        public var maxBatchBytes = 64 << 20
        public var maxRecordsPerBatch = 200_000
        /// Batches one source may have in flight at once; more is answered 429.
        public var concurrentBatchesPerSource = 2
        /// Requests one source may make per minute (a token bucket); more is answered 429 with Retry-After.
        public var requestsPerMinutePerSource = 120
        /// Threads that map one batch's records while its request parses and spools the body (0: map on the
        /// request's task). More than one core lets a single large batch use several; the default is the
        /// cores, at most 4, or 0 on one core.
        public var mappingThreadsPerBatch = TranslationSession.defaultMappingThreads
        public init() {}
    }

    /// A department system allowed to post batches, and what it may speak for.
    public struct Source: Sendable, Codable {
        public var id: String
        /// SHA-256 (hex) of its bearer token: the token itself is never stored.
        public var tokenSHA256: String
        /// The mapping file's `system`; defaults to `id`.
        public var mapping: String?
        public var domains: [String] = []
        /// 行政区划代码 prefixes it may speak for (`3301` = 杭州市); empty allows any.
        public var regionPrefixes: [String] = []
        /// 统一社会信用代码 of the responsible subjects it may speak for; empty allows any.
        public var responsibleSubjects: [String] = []

        public init(
            id: String, tokenSHA256: String, mapping: String? = nil, domains: [String] = [], regionPrefixes: [String] = [],
            responsibleSubjects: [String] = []
        ) {
            self.id = id
            self.tokenSHA256 = tokenSHA256
            self.mapping = mapping
            self.domains = domains
            self.regionPrefixes = regionPrefixes
            self.responsibleSubjects = responsibleSubjects
        }
    }

    /// An operator or a feed consumer: a name and a token hash.
    public struct Principal: Sendable, Codable {
        public var name: String
        public var tokenSHA256: String

        public init(name: String, tokenSHA256: String) {
            self.name = name
            self.tokenSHA256 = tokenSHA256
        }
    }

    /// A receiver the outbox delivers to.
    public struct Destination: Sendable, Codable {
        public var baseURL: String
        public var bearerToken: String?
        public var caBundlePath: String?
        public var clientCertificatePath: String?
        public var clientKeyPath: String?

        public init(baseURL: String, bearerToken: String? = nil) {
            self.baseURL = baseURL
            self.bearerToken = bearerToken
        }
    }

    public struct Destinations: Sendable, Codable {
        public var hub: Destination?
        public var publisher: Destination?
        public init() {}
    }

    public var server = Server()
    public var destinations = Destinations()
    /// How often publicity expiry is checked, in seconds.
    public var publicityCheckSeconds = 3600
    /// How long a delivery claim holds before another worker (or this node after a crash) takes it over.
    public var deliveryLeaseSeconds = 60
    /// Where the upload spool (and, by default, the SQLite file) lives.
    public var dataDirectory = "data"
    /// The store: `sqlite:<path>` or `postgres://user[:password]@host[:port]/database[?sslmode=…]`; nil for the
    /// embedded default, `gateway.sqlite` in ``dataDirectory``. Several nodes share one PostgreSQL database.
    public var store: String?
    public var mappingsDirectory = "Mappings"
    /// How often the mapping files are checked for changes, in seconds; 0 reloads only on `SIGHUP`.
    public var mappingsPollSeconds = 5
    public var limits = Limits()
    public var sources: [Source] = []
    public var operators: [Principal] = []
    public var consumers: [Principal] = []

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GatewayConfiguration()
        server = try container.decodeIfPresent(Server.self, forKey: .server) ?? defaults.server
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory
        store = try container.decodeIfPresent(String.self, forKey: .store)
        mappingsDirectory = try container.decodeIfPresent(String.self, forKey: .mappingsDirectory) ?? defaults.mappingsDirectory
        mappingsPollSeconds = try container.decodeIfPresent(Int.self, forKey: .mappingsPollSeconds) ?? defaults.mappingsPollSeconds
        limits = try container.decodeIfPresent(Limits.self, forKey: .limits) ?? defaults.limits
        sources = try container.decodeIfPresent([Source].self, forKey: .sources) ?? []
        operators = try container.decodeIfPresent([Principal].self, forKey: .operators) ?? []
        consumers = try container.decodeIfPresent([Principal].self, forKey: .consumers) ?? []
        destinations = try container.decodeIfPresent(Destinations.self, forKey: .destinations) ?? Destinations()
        publicityCheckSeconds = try container.decodeIfPresent(Int.self, forKey: .publicityCheckSeconds) ?? defaults.publicityCheckSeconds
        deliveryLeaseSeconds = try container.decodeIfPresent(Int.self, forKey: .deliveryLeaseSeconds) ?? defaults.deliveryLeaseSeconds
    }

    /// Reads a YAML file and applies environment overrides.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        if let file {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            configuration = try YAMLDecoder().decode(GatewayConfiguration.self, from: text)
        }
        if let host = environment["GATEWAY_HOST"] { configuration.server.host = host }
        if let port = environment["GATEWAY_PORT"].flatMap(Int.init) { configuration.server.port = port }
        if let directory = environment["GATEWAY_DATA_DIR"] { configuration.dataDirectory = directory }
        if let store = environment["GATEWAY_STORE"] { configuration.store = store }
        if let directory = environment["GATEWAY_MAPPINGS_DIR"] { configuration.mappingsDirectory = directory }
        if let bytes = environment["GATEWAY_MAX_BATCH_BYTES"].flatMap(Int.init) { configuration.limits.maxBatchBytes = bytes }
        if let threads = environment["GATEWAY_MAPPING_THREADS"].flatMap(Int.init), (0...64).contains(threads) {
            configuration.limits.mappingThreadsPerBatch = threads
        }
        if let url = environment["GATEWAY_HUB_URL"] {
            configuration.destinations.hub = .init(baseURL: url, bearerToken: environment["GATEWAY_HUB_TOKEN"])
        }
        if let url = environment["GATEWAY_PUBLISHER_URL"] {
            configuration.destinations.publisher = .init(baseURL: url, bearerToken: environment["GATEWAY_PUBLISHER_TOKEN"])
        }
        return configuration
    }
}

extension GatewayConfiguration {
    /// The configured store, or the SQLite file in the data directory.
    public func storeLocation() throws -> StoreLocation {
        guard let store, !store.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent("gateway.sqlite"))
        }
        return try StoreLocation(parsing: store)
    }
}

extension GatewayConfiguration.Source {
    /// Only `id` and `tokenSHA256` are required; the registration lists default to "any".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id), tokenSHA256: try container.decode(String.self, forKey: .tokenSHA256),
            mapping: try container.decodeIfPresent(String.self, forKey: .mapping),
            domains: try container.decodeIfPresent([String].self, forKey: .domains) ?? [],
            regionPrefixes: try container.decodeIfPresent([String].self, forKey: .regionPrefixes) ?? [],
            responsibleSubjects: try container.decodeIfPresent([String].self, forKey: .responsibleSubjects) ?? [])
    }
}

extension GatewayConfiguration.Server {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? host
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? port
        tls = try container.decodeIfPresent(ServerTLS.self, forKey: .tls)
    }
}

extension GatewayConfiguration.Limits {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        maxBatchBytes = try container.decodeIfPresent(Int.self, forKey: .maxBatchBytes) ?? maxBatchBytes
        maxRecordsPerBatch = try container.decodeIfPresent(Int.self, forKey: .maxRecordsPerBatch) ?? maxRecordsPerBatch
        concurrentBatchesPerSource = try container.decodeIfPresent(Int.self, forKey: .concurrentBatchesPerSource) ?? concurrentBatchesPerSource
        requestsPerMinutePerSource = try container.decodeIfPresent(Int.self, forKey: .requestsPerMinutePerSource) ?? requestsPerMinutePerSource
        mappingThreadsPerBatch = try container.decodeIfPresent(Int.self, forKey: .mappingThreadsPerBatch) ?? mappingThreadsPerBatch
        guard (0...64).contains(mappingThreadsPerBatch) else {
            throw DecodingError.dataCorruptedError(
                forKey: .mappingThreadsPerBatch, in: container, debugDescription: "mappingThreadsPerBatch must be between 0 and 64")
        }
    }
}

extension GatewayConfiguration {
    /// The mapping systems the configured sources map with: a reload that drops one of them is refused.
    public var requiredMappingSystems: Set<String> {
        Set(sources.map { $0.mapping ?? $0.id })
    }
}
