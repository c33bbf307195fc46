import Crypto
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The ``GatewayStore`` that several gateway nodes share: one PostgreSQL database, through PostgresNIO.
///
/// The same tables and rules as ``SQLiteGatewayStore`` (see `Store.docc`, "The PostgreSQL twin"); what SQLite gets
/// from having a single writer, this store gets from locks that concurrent nodes take in the database:
/// - a resend racing on two nodes collides on the batch key's UNIQUE constraint, and the loser retries and answers
///   `duplicate` (``commitBatch(_:)``);
/// - two batches touching the same record serialize on a transaction-level advisory lock per record id
///   (``PostgresLocks``), taken in sorted order;
/// - the credit feed's sequence and the audit chain are appended under one global advisory lock taken as the last
///   step of every commit, so that positions are commit order (`PostgresGatewayStore+Feed.swift`);
/// - outbox claims use `FOR UPDATE SKIP LOCKED` and leases (`PostgresGatewayStore+Outbox.swift`);
/// - long polls wake on `NOTIFY credit_feed` from any node, with a poll as fallback.
///
/// Connections run with `synchronous_commit = on` (SQLite's `synchronous = FULL`: a batch is acknowledged only once
/// its commit is on disk) and READ COMMITTED, which the feed's lock relies on; both are set per connection so that
/// a database-wide setting cannot weaken them.
///
/// The store runs its connection pool and its notification listener in tasks of its own; ``close()`` ends them
/// (dropping the last reference does too).
public final class PostgresGatewayStore: GatewayStore {
    /// Tuning with safe defaults.
    public struct Configuration: Sendable {
        /// Size of the raw body chunk rows: the memory one body copy or read needs.
        public var bodyChunkSize: Int = 1 << 20
        /// Connections of this node's pool (each node has its own).
        public var maximumConnections: Int = 10
        /// How often a long-poll wait re-reads the feed when no notification arrives (a lost listener connection).
        public var feedPollInterval: Duration = .seconds(1)
        public var connectTimeout: Duration = .seconds(10)
        /// Attempts of a commit that lost a race it can simply run again: a concurrent resend of the same batch
        /// (unique violation on the batch key), a deadlock or serialization failure chosen by the server.
        public var commitAttempts: Int = 5

        public init() {}
    }

    let client: PostgresClient
    public let connection: PostgresConnectionParameters
    let configuration: Configuration
    let commitSignal = CommitSignal()
    /// The clock for times the store stamps itself (`createdAt`, `committedAt`).
    let clock: @Sendable () -> Date
    let logger: Logger
    private let runTask: Task<Void, Never>
    private let listenTask: Task<Void, Never>

    /// Connects to `url` (`postgres://user@host:port/database`), migrates the schema and starts listening for commits.
    public convenience init(
        url: String, configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "credit-gateway.store.postgres")
    ) async throws {
        try await self.init(connection: PostgresConnectionParameters(url: url), configuration: configuration, clock: clock, logger: logger)
    }

    public init(
        connection: PostgresConnectionParameters, configuration: Configuration = Configuration(),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "credit-gateway.store.postgres")
    ) async throws {
        self.connection = connection
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let client = PostgresClient(configuration: try Self.clientConfiguration(connection, configuration), backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
        do {
            try await Self.withConnection(client, logger: logger) { session in
                try await PostgresSchema.migrate(session)
            }
        } catch {
            runTask.cancel()
            throw StoreError.postgres(error, "Could not open the PostgreSQL store.", context: ["url": connection.description])
        }
        listenTask = Self.listen(connection: connection, configuration: configuration, signal: commitSignal, logger: logger)
    }

    deinit {
        listenTask.cancel()
        runTask.cancel()
    }

    /// Closes the pool and the listener; the store cannot be used afterwards.
    public func close() async {
        listenTask.cancel()
        runTask.cancel()
        await listenTask.value
        await runTask.value
    }

    static func clientConfiguration(_ connection: PostgresConnectionParameters, _ configuration: Configuration) throws
        -> PostgresClient.Configuration
    {
        var client = PostgresClient.Configuration(
            host: connection.host, port: connection.port, username: connection.username, password: connection.password,
            database: connection.database, tls: tls(connection.tls))
        client.options.maximumConnections = configuration.maximumConnections
        client.options.connectTimeout = configuration.connectTimeout
        client.options.additionalStartupParameters = sessionSettings
        return client
    }

    /// Settings every connection starts with; see the type's documentation for why.
    static let sessionSettings = [
        ("synchronous_commit", "on"), ("default_transaction_isolation", "read committed"), ("application_name", "credit-gateway"),
    ]

    static func tls(_ mode: PostgresConnectionParameters.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    // MARK: - Sessions and transactions

    /// Runs `body` on one leased connection, outside a transaction (each statement commits on its own).
    func withSession<T: Sendable>(_ message: String, _ body: (PostgresSession) async throws -> T) async throws -> T {
        do {
            return try await Self.withConnection(client, logger: logger, body)
        } catch {
            throw StoreError.postgres(error, message)
        }
    }

    /// Runs `body` in a READ COMMITTED transaction; rolls back when it throws.
    func transaction<T: Sendable>(_ message: String, _ body: (PostgresSession) async throws -> T) async throws -> T {
        do {
            return try await rawTransaction(begin: "BEGIN", body)
        } catch {
            throw StoreError.postgres(error, message)
        }
    }

    /// Runs `body` in a read-only REPEATABLE READ transaction: one snapshot for reads that span several statements,
    /// as SQLite's read transactions are.
    func snapshot<T: Sendable>(_ message: String, _ body: (PostgresSession) async throws -> T) async throws -> T {
        do {
            return try await rawTransaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        } catch {
            throw StoreError.postgres(error, message)
        }
    }

    /// A transaction without error translation, so that callers can recognise retryable PostgreSQL errors.
    func rawTransaction<T: Sendable>(begin: PostgresQuery, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await Self.withConnection(client, logger: logger) { session in
            try await session.execute(begin)
            do {
                let value = try await body(session)
                try await session.execute("COMMIT")
                return value
            } catch {
                // A failed ROLLBACK means a broken connection, which the pool discards; the server rolls back then.
                try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    static func withConnection<T: Sendable>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await body(PostgresSession(connection: connection, logger: logger))
        }
    }

    // MARK: - Notifications

    /// The channel every commit that adds to the credit feed notifies.
    static let feedChannel = "credit_feed"

    /// Keeps one connection listening on ``feedChannel`` and signals waiters on every notification, reconnecting
    /// after a failure. After each (re)connection it signals once, so waiters re-check whatever was committed while
    /// no one listened.
    static func listen(
        connection: PostgresConnectionParameters, configuration: Configuration, signal: CommitSignal, logger: Logger
    ) -> Task<Void, Never> {
        Task {
            var connectionId = 0
            var failing = false
            while !Task.isCancelled {
                connectionId += 1
                do {
                    var listenerConfiguration = PostgresConnection.Configuration(
                        host: connection.host, port: connection.port, username: connection.username, password: connection.password,
                        database: connection.database, tls: try listenerTLS(connection.tls))
                    listenerConfiguration.options.additionalStartupParameters = sessionSettings
                    let listener = try await PostgresConnection.connect(configuration: listenerConfiguration, id: connectionId, logger: logger)
                    // Closed on every path: PostgresNIO insists that a connection is closed before it goes away.
                    var failure: (any Error)?
                    do {
                        try await withTaskCancellationHandler {
                            try await listener.listen(on: feedChannel) { notifications in
                                if failing {
                                    logger.info("credit feed listener connected again")
                                    failing = false
                                }
                                signal.signal()
                                for try await _ in notifications {
                                    signal.signal()
                                }
                            }
                        } onCancel: {
                            listener.close().whenComplete { _ in }
                        }
                    } catch {
                        failure = error
                    }
                    try? await listener.close()
                    if let failure { throw failure }
                } catch {
                    // Logged once per outage, not on every reconnection attempt.
                    if !Task.isCancelled && !failing {
                        failing = true
                        logger.warning(
                            "credit feed listener lost its connection; long polls fall back to polling until it reconnects",
                            metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    static func listenerTLS(_ mode: PostgresConnectionParameters.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

/// One leased connection, with the few ways the store runs statements on it.
///
/// Every statement's rows are read to the end before the next statement: PostgresNIO runs one statement at a time
/// per connection, and an unread result would hold the connection.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// All rows of `query`.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `query` and drops its rows.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// The first row of `query`, if any.
    func row(_ query: PostgresQuery) async throws -> StoredRow? {
        try await rows(query).first.map(StoredRow.init)
    }

    /// Every row of `query`, for reading by column name.
    func all(_ query: PostgresQuery) async throws -> [StoredRow] {
        try await rows(query).map(StoredRow.init)
    }

    /// Streams the rows of `query` one at a time (large results: audit links, body chunks).
    func forEach(_ query: PostgresQuery, _ body: (StoredRow) async throws -> Void) async throws {
        for try await row in try await connection.query(query, logger: logger) {
            try await body(StoredRow(row))
        }
    }
}

/// A PostgreSQL row read by column name; a value that does not decode is ``StoreError/Code/corruptData``.
struct StoredRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func callAsFunction<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        do {
            return try row[column].decode(Value.self)
        } catch {
            throw StoreError(
                .corruptData, "A stored column does not decode as \(Value.self).", context: ["column": column],
                underlying: error)
        }
    }
}

/// The advisory lock keys of the PostgreSQL store.
///
/// Record locks use the single-`bigint` key space: the first 8 bytes of SHA-256 of the record id, computed here
/// (not with `hashtextextended`) so that nodes sort them identically and the lock order is fixed. The store's
/// global locks use the two-`integer` key space, which PostgreSQL keeps apart from the `bigint` one, so a record
/// can never collide with them.
enum PostgresLocks {
    /// "CGTW": the first key of the store's global locks.
    static let namespace: Int32 = 0x4347_5457
    /// Held from the credit feed append to the commit: feed positions and audit links are assigned in commit order.
    static let feed: Int32 = 1
    /// Held while migrating, so that nodes starting together migrate once.
    static let migration: Int32 = 2

    static func recordKey(_ id: String) -> Int64 {
        let digest = SHA256Digest.bytes(of: Data("record\u{0}\(id)".utf8))
        return digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// Takes the transaction-level locks of `ids`, in ascending key order: two transactions that lock overlapping
    /// sets always take the common locks in the same order, so they queue instead of deadlocking.
    static func lockRecords(_ session: PostgresSession, _ ids: some Sequence<String>) async throws {
        let keys = Set(ids.map(recordKey)).sorted()
        guard !keys.isEmpty else { return }
        // unnest yields the array in order, and the function scan locks row by row in that order.
        try await session.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(\(keys)::int8[]) AS k")
    }

    static func lockFeed(_ session: PostgresSession) async throws {
        try await session.execute("SELECT pg_advisory_xact_lock(\(namespace)::int4, \(feed)::int4)")
    }
}

extension StoreError {
    /// Keeps a ``StoreError`` or a `CancellationError` as it is; wraps anything else as `database`, with the
    /// server's SQLSTATE, message and constraint in the context (PostgresNIO's own description hides them).
    static func postgres(_ error: any Error, _ message: String, context: [String: String] = [:]) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        var context = context
        if let psql = error as? PSQLError {
            context["psqlCode"] = "\(psql.code)"
            if let info = psql.serverInfo {
                context["sqlState"] = info[.sqlState]
                context["serverMessage"] = info[.message]
                context["constraint"] = info[.constraintName]
                context["detail"] = info[.detail]
            }
        }
        return StoreError(.database, message, context: context, underlying: error)
    }
}

extension PSQLError {
    /// The SQLSTATE the server answered with, nil for client-side errors.
    var sqlState: String? { serverInfo?[.sqlState] }
}
