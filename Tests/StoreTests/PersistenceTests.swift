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
