import Foundation
import GRDB
import PostgresNIO
import TestSupport

@testable import Store

/// A fresh store of either backend, removed when the value goes away (GRDB's `GRDBTestCase` idea): a SQLite file
/// in its own temporary directory, or a new database on the test process's PostgreSQL server
/// (``PostgresTestCluster``).
///
/// Every test makes its own, so tests run in parallel without sharing data. The store's clock is fixed at
/// ``Fixture/t0`` so that outbox times are predictable; tests pass later `now`s explicitly.
///
/// Store behaviour tests take the backend as their argument (`@Test(arguments: StoreBackend.allCases)`), so every
/// one runs against both. When PostgreSQL cannot be started, creating the PostgreSQL variant throws and the test
/// fails with the reason.
final class TemporaryStore: @unchecked Sendable {
    let backend: StoreBackend
    let directory: URL
    /// The PostgreSQL database (nil for SQLite).
    let databaseURL: String?
    let feedPollInterval: Duration?
    private(set) var store: any GatewayStore

    var path: String { directory.appendingPathComponent("gateway.sqlite").path }

    init(_ backend: StoreBackend, feedPollInterval: Duration? = nil) async throws {
        self.backend = backend
        self.feedPollInterval = feedPollInterval
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            databaseURL = nil
        case .postgres:
            databaseURL = try PostgresTestCluster.started().createDatabase()
        }
        store = try await Self.open(backend, path: directory.appendingPathComponent("gateway.sqlite").path, url: databaseURL, feedPollInterval)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func open(_ backend: StoreBackend, path: String, url: String?, _ feedPollInterval: Duration?) async throws
        -> any GatewayStore
    {
        switch backend {
        case .sqlite:
            var configuration = SQLiteGatewayStore.Configuration()
            if let feedPollInterval { configuration.feedPollInterval = feedPollInterval }
            return try SQLiteGatewayStore(path: path, configuration: configuration, clock: { Fixture.t0 })
        case .postgres:
            var configuration = PostgresGatewayStore.Configuration()
            if let feedPollInterval { configuration.feedPollInterval = feedPollInterval }
            configuration.maximumConnections = 6
            return try await PostgresGatewayStore(url: url!, configuration: configuration, clock: { Fixture.t0 })
        }
    }

    /// Drops the open store and opens the same data again, as a restarted gateway would.
    func reopen() async throws {
        await store.close()
        store = try await Self.open(backend, path: path, url: databaseURL, feedPollInterval)
    }

    /// Another gateway node on the same data: a second store instance (for SQLite, a second connection pool on the
    /// same file, as a second process would have). The caller closes it.
    func openAnotherNode(feedPollInterval: Duration? = nil) async throws -> any GatewayStore {
        try await Self.open(backend, path: path, url: databaseURL, feedPollInterval ?? self.feedPollInterval)
    }

    func close() async {
        await store.close()
    }

    /// Writes `contents` to a spool file, as the ingest route does with a request body.
    func spool(_ contents: Data) throws -> RawBatchBody {
        let url = directory.appendingPathComponent("body-\(UUID().uuidString).xml")
        try contents.write(to: url)
        return RawBatchBody(path: url.path, byteCount: Int64(contents.count))
    }

    // MARK: - Raw SQL, for tests that play an intruder or inspect tables

    /// Runs `sql` with `?` placeholders bound to `arguments` (numbered `$n` for PostgreSQL).
    func execute(_ sql: String, _ arguments: [String] = []) async throws {
        switch backend {
        case .sqlite:
            try await sqlite.dbPool.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
        case .postgres:
            let query = Self.postgresQuery(sql, arguments)
            try await postgres.withSession("test SQL") { session in try await session.execute(query) }
        }
    }

    /// The first column of the first row, as text.
    func fetchString(_ sql: String, _ arguments: [String] = []) async throws -> String? {
        switch backend {
        case .sqlite:
            return try await sqlite.dbPool.read { db in try String.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) }
        case .postgres:
            let query = Self.postgresQuery(sql, arguments)
            return try await postgres.withSession("test SQL") { session in
                try await session.rows(query).first.map { row in try row.makeRandomAccess()[0].decode(String?.self) } ?? nil
            }
        }
    }

    func count(_ table: String, where condition: String = "TRUE") async throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(table) WHERE \(condition)"
        switch backend {
        case .sqlite:
            return try await sqlite.dbPool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        case .postgres:
            return try await postgres.withSession("test SQL") { session in
                try await session.rows(PostgresQuery(unsafeSQL: sql)).first.map { try $0.makeRandomAccess()[0].decode(Int.self) } ?? 0
            }
        }
    }

    /// Every outbox entry, oldest first.
    func outbox() async throws -> [OutboxEntry] {
        let sql = "SELECT \(StoredValues.outboxColumns()) FROM outbox ORDER BY id"
        switch backend {
        case .sqlite:
            return try await sqlite.dbPool.read { db in try Row.fetchAll(db, sql: sql).map(SQLiteRows.outboxEntry) }
        case .postgres:
            return try await postgres.withSession("test SQL") { session in
                try await session.all(PostgresQuery(unsafeSQL: sql)).map(PostgresRows.outboxEntry)
            }
        }
    }

    /// Commits a batch and returns its receipt, failing the test unless it was committed.
    @discardableResult
    func commit(_ batch: TestBatch, on node: (any GatewayStore)? = nil) async throws -> BatchReceipt {
        let outcome = try await (node ?? store).commitBatch(try batch.submission(spoolingIn: self))
        guard case .committed(let stored) = outcome else {
            throw TestFailure("expected the batch to be committed, got \(outcome)")
        }
        return stored.receipt
    }

    var sqlite: SQLiteGatewayStore { store as! SQLiteGatewayStore }
    var postgres: PostgresGatewayStore { store as! PostgresGatewayStore }

    /// `?` placeholders (outside quoted literals) numbered `$1`, `$2`, … as PostgreSQL wants them.
    static func postgresQuery(_ sql: String, _ arguments: [String]) -> PostgresQuery {
        var numbered = ""
        var inLiteral = false
        var index = 0
        for character in sql {
            if character == "'" { inLiteral.toggle() }
            if character == "?" && !inLiteral {
                index += 1
                numbered += "$\(index)"
            } else {
                numbered.append(character)
            }
        }
        var binds = PostgresBindings()
        for argument in arguments { binds.append(argument) }
        return PostgresQuery(unsafeSQL: numbered, binds: binds)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
