import Foundation
import GRDB

@testable import Store

/// A fresh store in its own temporary directory, removed when the value goes away (GRDB's `GRDBTestCase` idea).
///
/// Every test makes its own, so tests run in parallel without sharing a file. The store's clock is fixed at
/// ``Fixture/t0`` so that outbox times are predictable; tests pass later `now`s explicitly.
final class TemporaryStore: @unchecked Sendable {
    let directory: URL
    private(set) var store: SQLiteGatewayStore

    var path: String { directory.appendingPathComponent("gateway.sqlite").path }

    init(configuration: SQLiteGatewayStore.Configuration = .init()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteGatewayStore(
            path: directory.appendingPathComponent("gateway.sqlite").path, configuration: configuration, clock: { Fixture.t0 })
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Drops the open store and opens the file again, as a restarted gateway would.
    func reopen() throws {
        store = try SQLiteGatewayStore(path: path, clock: { Fixture.t0 })
    }

    /// Writes `contents` to a spool file, as the ingest route does with a request body.
    func spool(_ contents: Data) throws -> RawBatchBody {
        let url = directory.appendingPathComponent("body-\(UUID().uuidString).xml")
        try contents.write(to: url)
        return RawBatchBody(path: url.path, byteCount: Int64(contents.count))
    }

    /// Raw SQL against the store's file, for tests that play an intruder or inspect tables.
    func execute(_ sql: String, _ arguments: StatementArguments = []) async throws {
        try await store.dbPool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    func count(_ table: String, where condition: String = "1") async throws -> Int {
        try await store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }

    /// Every outbox entry, oldest first.
    func outbox() async throws -> [OutboxEntry] {
        try await store.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.outboxColumns()) FROM outbox ORDER BY id").map(SQLiteRows.outboxEntry)
        }
    }

    /// Commits a batch and returns its receipt, failing the test unless it was committed.
    @discardableResult
    func commit(_ batch: TestBatch) async throws -> BatchReceipt {
        let outcome = try await store.commitBatch(try batch.submission(spoolingIn: self))
        guard case .committed(let stored) = outcome else {
            throw TestFailure("expected the batch to be committed, got \(outcome)")
        }
        return stored.receipt
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
