import ExchangeStandard
import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Reopening the store file")
struct PersistenceTests {
    let temporary: TemporaryStore

    init() throws {
        temporary = try TemporaryStore()
    }

    @Test func theFileIsInWALModeWithFullSync() async throws {
        let (journalMode, synchronous, foreignKeys) = try await temporary.store.dbPool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journalMode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(foreignKeys == true)
        let writerSynchronous = try await temporary.store.dbPool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writerSynchronous == 2)
    }

    @Test func everythingSurvivesAReopen() async throws {
        let draft = Fixture.draft("CG-0700", subjects: ["甲公司"])
        let batch = TestBatch(number: "001", records: [draft])
        let receipt = try await temporary.commit(batch)
        let firstPage = try await temporary.store.creditFeed(after: nil, limit: 10)
        let claimed = try await temporary.store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: Fixture.t0)
        _ = try await temporary.store.markDelivered(ids: claimed.map(\.entry.id), owner: "node-a", now: Fixture.t0 + 1)
        let receiptJSON = try #require(try await temporary.store.batch(id: receipt.batchId)).receipt.json

        try temporary.reopen()
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
