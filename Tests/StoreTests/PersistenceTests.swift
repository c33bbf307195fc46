import ExchangeStandard
import Foundation
import GRDB
import PostgresNIO
import TestSupport
import Testing

@testable import Store

@Suite("Durability settings and reopening the store")
struct PersistenceTests {
    @Test func theSQLiteFileIsInWALModeWithFullSync() async throws {
        let temporary = try await TemporaryStore(.sqlite)
        let (journalMode, synchronous, foreignKeys) = try await temporary.sqlite.dbPool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journalMode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(foreignKeys == true)
        let writerSynchronous = try await temporary.sqlite.dbPool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writerSynchronous == 2)
    }

    /// The counterpart of FULL: a commit returns once it is flushed; and READ COMMITTED, which the feed's commit-order
    /// lock relies on. Set per connection, so a database-wide setting cannot weaken them.
    @Test func postgreSQLSessionsCommitSynchronouslyInReadCommitted() async throws {
        let temporary = try await TemporaryStore(.postgres)
        try await temporary.execute("ALTER DATABASE \(try #require(temporary.databaseURL?.split(separator: "/").last)) SET synchronous_commit = off")
        let node = try await temporary.openAnotherNode()
        let (synchronousCommit, isolation) = try await (node as! PostgresGatewayStore).withSession("test") { session in
            (
                try await session.row("SELECT current_setting('synchronous_commit') AS s")?("s", as: String.self),
                try await session.row("SELECT current_setting('transaction_isolation') AS s")?("s", as: String.self)
            )
        }
        #expect(synchronousCommit == "on")
        #expect(isolation == "read committed")
        await node.close()
    }

    /// The outbox's record lookups go through the prefix of its unique key; the separate index v1 kept on the same
    /// columns is gone (migration v2), so an outbox insert updates one B-tree fewer.
    @Test(arguments: StoreBackend.allCases)
    func theOutboxIsIndexedOnceOnItsRecordColumns(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let indexes: [String]
        let migrations: [String]
        switch backend {
        case .sqlite:
            (indexes, migrations) = try await temporary.sqlite.dbPool.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"),
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                )
            }
            let plan = try await temporary.sqlite.dbPool.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE destination = 'hub' AND record_id = 'H1' AND version = 1"
                ).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("sqlite_autoindex_outbox") }, "the lookup uses the unique key: \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN outbox") }, "the lookup scans the outbox: \(plan)")
        case .postgres:
            (indexes, migrations) = try await temporary.postgres.withSession("test") { session in
                (
                    try await session.all("SELECT indexname FROM pg_indexes WHERE tablename = 'outbox'").map { try $0("indexname", as: String.self) },
                    try await session.all("SELECT identifier FROM schema_migrations").map { try $0("identifier", as: String.self) }
                )
            }
        }
        #expect(!indexes.isEmpty)
        #expect(!indexes.contains("outbox_record"))
        #expect(indexes.contains("outbox_claim"))
        #expect(migrations.contains(SQLiteSchema.v2Identifier))
    }

    /// A file made by a gateway that knew only v1 is upgraded when opened, and takes batches as before.
    @Test func aVersion1SQLiteFileIsUpgradedOnOpen() async throws {
        let temporary = try await TemporaryStore(.sqlite)
        // The temporary store's file replaced by one that stopped at v1, as an older gateway left it.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary.path + suffix) }
        let outboxIndexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v1 batches, versions, outbox, feed, audit chain")
            #expect(try await queue.read { db in try String.fetchAll(db, sql: outboxIndexes) }.contains("outbox_record"))
            try queue.close()
        }
        try await temporary.reopen()
        let receipt = try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0710", subjects: ["甲公司"])]))
        let after = try await temporary.sqlite.dbPool.read { db in try String.fetchAll(db, sql: outboxIndexes) }
        #expect(!after.contains("outbox_record"))
        #expect(after.contains("outbox_claim"))
        #expect(try await temporary.store.batch(id: receipt.batchId)?.hubVersions.count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func everythingSurvivesAReopen(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let draft = Fixture.draft("CG-0700", subjects: ["甲公司"])
        let batch = TestBatch(number: "001", records: [draft])
        let receipt = try await temporary.commit(batch)
        let firstPage = try await temporary.store.creditFeed(after: nil, limit: 10)
        let claimed = try await temporary.store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: Fixture.t0)
        _ = try await temporary.store.markDelivered(ids: claimed.map(\.entry.id), owner: "node-a", now: Fixture.t0 + 1)
        let receiptJSON = try #require(try await temporary.store.batch(id: receipt.batchId)).receipt.json

        try await temporary.reopen()
        let store = temporary.store

        let details = try #require(try await store.batch(id: receipt.batchId))
        #expect(details.receipt.json == receiptJSON)
        #expect(details.hubVersions.first?.state(for: .hub) == .delivered)
        #expect(details.creditVersions.first?.state(for: .publisher) == .pending)
        #expect(try await store.recordHistory(recordId: draft.hub.recordId).count == 1)
        #expect(try await store.verifyAuditChain(rehashBodies: true) == AuditVerification(linksChecked: 1, firstBroken: nil))

        // A resend after the restart is still recognised.
        guard case .duplicate(let again) = try await store.commitBatch(try batch.submission(spoolingIn: temporary)) else {
            Issue.record("a resend after reopening must be a duplicate")
            return
        }
        #expect(again.json == receiptJSON)

        // The feed cursor handed out before the restart continues where it was.
        try await temporary.commit(TestBatch(number: "002", records: [Fixture.draft("CG-0701", subjects: ["乙公司"])]))
        let next = try await store.creditFeed(after: firstPage.next, limit: 10)
        #expect(next.records.map(\.CF_XDR_MC) == ["乙公司"])
        #expect(try await store.verifyAuditChain().linksChecked == 2)
    }
}
