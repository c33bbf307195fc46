import Foundation
import GRDB

/// The embedded default ``GatewayStore``: one SQLite file in WAL mode, through a GRDB `DatabasePool`.
///
/// WAL lets readers (feed pulls, operator queries) run while a batch commits; GRDB serializes the writes, which
/// is what makes the credit feed's sequence equal commit order here (see `SQLiteGatewayStore+Feed.swift`).
///
/// `synchronous = FULL`: in WAL mode SQLite's usual `NORMAL` only syncs the WAL at checkpoints, so a commit
/// survives an application crash but not a power loss or OS crash. The gateway answers a department system's
/// POST only after the commit, and the department then considers the batch delivered; FULL fsyncs the WAL on
/// every commit so that an acknowledged batch is never lost. It costs one fsync per batch, not per record.
public final class SQLiteGatewayStore: GatewayStore {
    /// Tuning with safe defaults.
    public struct Configuration: Sendable {
        /// How long a write waits for another process holding the write lock (a CLI `replay` next to `serve`).
        public var busyTimeout: TimeInterval = 10
        /// Size of the raw body chunks: the memory one body copy or read needs.
        public var bodyChunkSize: Int = 1 << 20
        /// Concurrent readers in the pool.
        public var maximumReaderCount: Int = 5
        /// How often a long-poll wait re-reads the feed, to see commits by another process on the same file
        /// (commits of this process wake it at once).
        public var feedPollInterval: Duration = .seconds(1)

        public init() {}
    }

    let dbPool: DatabasePool
    let configuration: Configuration
    let commitSignal = CommitSignal()
    /// The clock for times the store stamps itself (`createdAt`, `committedAt`).
    let clock: @Sendable () -> Date

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public init(path: String, configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Date = { Date() })
        throws
    {
        self.configuration = configuration
        self.clock = clock
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        config.foreignKeysEnabled = true
        config.maximumReaderCount = configuration.maximumReaderCount
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            dbPool = try DatabasePool(path: path, configuration: config)
            // DatabasePool switches the file to WAL *after* `prepareDatabase` and sets `synchronous = NORMAL` on its
            // writer connection while doing so; the writer is the connection that commits, so set FULL again there.
            try dbPool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try SQLiteSchema.migrator.migrate(dbPool)
        } catch {
            throw StoreError.wrapping(error, "Could not open the SQLite store.", context: ["path": path])
        }
    }

    /// Runs a write transaction, translating driver errors into ``StoreError``.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await dbPool.write(updates)
        } catch {
            throw StoreError.wrapping(error, "A write to the SQLite store failed.")
        }
    }

    /// Runs a read in a snapshot, translating driver errors into ``StoreError``.
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await dbPool.read(value)
        } catch {
            throw StoreError.wrapping(error, "A read from the SQLite store failed.")
        }
    }
}

extension StoreError {
    /// Keeps a ``StoreError`` or a `CancellationError` as it is; wraps anything else (GRDB, Foundation I/O) as
    /// `database`, so that callers never see a driver type.
    static func wrapping(_ error: any Error, _ message: String, context: [String: String] = [:]) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        return StoreError(.database, message, context: context, underlying: error)
    }
}
