import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Outbox entries, claims, leases and dead letters")
struct OutboxTests {
    let t0 = Fixture.t0

    // MARK: - Which entries a batch creates

    @Test(arguments: StoreBackend.allCases)
    func entriesFollowTheRules(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let published = Fixture.draft("CG-0200", subjects: ["杭州某某科技有限公司"])
        // 警告 only: goes to the credit platform, not to Credit Zhejiang.
        let warningOnly = Fixture.draft("CG-0201", subjects: ["李某"], publish: false)
        // Its publicity ended before the batch arrived: nothing to put.
        let expired = Fixture.draft("CG-0202", subjects: ["王某"], publicityEndsOn: Fixture.date("2024-10-01"))
        try await temporary.commit(TestBatch(number: "001", records: [published, warningOnly, expired]))

        var entries = try await temporary.outbox()
        #expect(entries.filter { $0.destination == .hub }.map(\.recordId) == [published, warningOnly, expired].map(\.hub.recordId))
        #expect(entries.filter { $0.destination == .hub }.allSatisfy { $0.operation == .upsert && $0.version == 1 })
        let publisher = entries.filter { $0.destination == .publisher }
        #expect(publisher.map(\.recordId) == [published.credits[0].record.creditRecordId])
        #expect(publisher.map(\.operation) == [.put])
        #expect(entries.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.createdAt == t0 && $0.batchId != nil })

        // Unchanged resends create nothing; a withdrawal deletes the publication; a correction that may no longer be
        // published takes it down too.
        let count = entries.count
        try await temporary.commit(TestBatch(number: "002", records: [published, warningOnly]))
        #expect(try await temporary.outbox().count == count)

        let withdrawal = Fixture.draft("CG-0200", subjects: ["杭州某某科技有限公司"], withdraw: true)
        let nowWarningOnly = Fixture.draft("CG-0200", subjects: ["杭州某某科技有限公司"], fine: "0", publish: false)
        try await temporary.commit(TestBatch(number: "003", records: [withdrawal]))
        try await temporary.commit(TestBatch(number: "004", records: [nowWarningOnly]))
        entries = Array(try await temporary.outbox().dropFirst(count))
        #expect(entries.map(\.destination) == [.hub, .publisher, .hub])
        #expect(entries.map(\.operation) == [.upsert, .delete, .upsert])
        #expect(entries.map(\.version) == [2, 2, 3])

        // Withdrawn, then back without being publishable: nothing is shown, nothing to delete.
        let warningWithdrawn = Fixture.draft("CG-0201", subjects: ["李某"], publish: false, withdraw: true)
        try await temporary.commit(TestBatch(number: "005", records: [warningWithdrawn]))
        #expect(try await temporary.outbox().last?.destination == .hub)

        // A correction that is publishable again puts it back.
        let republished = Fixture.draft("CG-0200", subjects: ["杭州某某科技有限公司"], fine: "0.8")
        try await temporary.commit(TestBatch(number: "006", records: [republished]))
        let last = try #require(try await temporary.outbox().last)
        #expect(last.destination == .publisher && last.operation == .put && last.version == 4)
    }

    // MARK: - Claim ordering

    @Test(arguments: StoreBackend.allCases)
    func aLaterVersionWaitsForTheEarlierOne(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0210")]))
        try await temporary.commit(TestBatch(number: "002", records: [Fixture.draft("CG-0210", title: "更正公告")]))

        // Both pending: only v1 is claimable.
        let first = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        #expect(first.map(\.entry.version) == [1])
        #expect(first[0].entry.state == .inflight && first[0].entry.leaseOwner == "node-a" && first[0].entry.attempts == 1)
        let payload = try StoreJSON.decode(HubRecord.self, from: first[0].payload)
        #expect(payload.version == 1 && payload.action == .publish)

        // v1 inflight: v2 still waits.
        #expect(try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0).isEmpty)

        // v1 retried later: still pending, so v2 still waits, even once v2's own time has come.
        #expect(try await store.markRetry(id: first[0].entry.id, owner: "node-a", nextAttemptAt: t0 + 30, error: "503"))
        #expect(try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0 + 10).isEmpty)

        let retried = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0 + 30)
        #expect(retried.map(\.entry.version) == [1])
        #expect(retried[0].entry.attempts == 2 && retried[0].entry.lastError == "503")
        #expect(try await store.markDelivered(ids: [retried[0].entry.id], owner: "node-b", now: t0 + 31) == [retried[0].entry.id])

        let second = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0 + 31)
        #expect(second.map(\.entry.version) == [2])
        #expect(try StoreJSON.decode(HubRecord.self, from: second[0].payload).action == .correct)
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeadVersionDoesNotBlockTheNext(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0211")]))
        try await temporary.commit(TestBatch(number: "002", records: [Fixture.draft("CG-0211", title: "更正公告")]))
        let first = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        #expect(try await store.markDead(id: first[0].entry.id, owner: "node-a", reason: "400 regionCode unknown", now: t0 + 1))

        let next = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0 + 1)
        #expect(next.map(\.entry.version) == [2])
    }

    @Test(arguments: StoreBackend.allCases)
    func otherRecordsAndDestinationsDoNotWaitForEachOther(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        try await temporary.commit(
            TestBatch(number: "001", records: [Fixture.draft("CG-0212", subjects: ["甲公司"]), Fixture.draft("CG-0213")]))
        let hub = try await store.claimOutbox(destination: .hub, limit: 1, owner: "node-a", leaseSeconds: 60, now: t0)
        #expect(hub.count == 1)
        let more = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0)
        #expect(more.count == 1 && more[0].entry.recordId != hub[0].entry.recordId)
        let publisher = try await store.claimOutbox(destination: .publisher, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        #expect(publisher.map(\.entry.operation) == [.put])
        let credit = try StoreJSON.decode(CreditRecord.self, from: publisher[0].payload)
        #expect(credit.CF_XDR_MC == "甲公司" && credit.version == 1)
    }

    // MARK: - Leases

    @Test(arguments: StoreBackend.allCases)
    func anExpiredLeaseIsTakenOverAndTheOldOwnerLosesIt(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0220")]))
        let claimed = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 30, now: t0)
        let id = try #require(claimed.first?.entry.id)
        #expect(claimed[0].entry.leaseExpiresAt == t0 + 30)

        // Within the lease nobody else gets it.
        #expect(try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 30, now: t0 + 29).isEmpty)

        // node-a went quiet; once the lease is over node-b takes the entry.
        let takenOver = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 30, now: t0 + 31)
        #expect(takenOver.map(\.entry.id) == [id])
        #expect(takenOver[0].entry.leaseOwner == "node-b" && takenOver[0].entry.attempts == 2)

        // The slow node-a can no longer change the entry.
        #expect(try await store.markDelivered(ids: [id], owner: "node-a", now: t0 + 32).isEmpty)
        #expect(try await store.markRetry(id: id, owner: "node-a", nextAttemptAt: t0 + 60, error: "timeout") == false)
        #expect(try await store.markDead(id: id, owner: "node-a", reason: "400", now: t0 + 32) == false)
        #expect(try await temporary.outbox().first?.state == .inflight)

        #expect(try await store.markDelivered(ids: [id], owner: "node-b", now: t0 + 33) == [id])
        let delivered = try #require(try await temporary.outbox().first)
        #expect(delivered.state == .delivered && delivered.deliveredAt == t0 + 33)
        // Delivered is final: nobody marks it again.
        #expect(try await store.markDead(id: id, owner: "node-b", reason: "late", now: t0 + 34) == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentClaimersNeverShareAnEntry(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let drafts = (0..<40).map { Fixture.draft(String(format: "CG-03%02d", $0)) }
        try await temporary.commit(TestBatch(number: "001", records: drafts))
        let t0 = self.t0
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try await store.claimOutbox(
                            destination: .hub, limit: 3, owner: "worker-\(worker)", leaseSeconds: 60, now: t0)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.entry.id)
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(claims.count == 40)
        #expect(Set(claims).count == 40)
    }

    // MARK: - Dead letters

    @Test(arguments: StoreBackend.allCases)
    func deadLettersAreFilteredAndReplayed(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        try await temporary.commit(
            TestBatch(
                system: "zjzfcg", number: "001",
                records: [Fixture.draft("CG-0230", subjects: ["甲公司"]), Fixture.draft("CG-0231"), Fixture.draft("CG-0232")]))
        try await temporary.commit(
            TestBatch(system: "hzggzy", number: "001", records: [Fixture.draft(system: "hzggzy", "GG-0001")]))

        let hub = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        let publisher = try await store.claimOutbox(destination: .publisher, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        #expect(hub.count == 4 && publisher.count == 1)
        #expect(try await store.markDead(id: hub[0].entry.id, owner: "node-a", reason: "400 regionCode 339999 unknown", now: t0 + 10))
        #expect(try await store.markDead(id: hub[1].entry.id, owner: "node-a", reason: "400 title too long", now: t0 + 20))
        #expect(try await store.markDead(id: hub[3].entry.id, owner: "node-a", reason: "400 regionCode 330000 not a district", now: t0 + 30))
        #expect(try await store.markDead(id: publisher[0].entry.id, owner: "node-a", reason: "400 CF_WSH missing", now: t0 + 40))
        _ = try await store.markDelivered(ids: [hub[2].entry.id], owner: "node-a", now: t0 + 5)

        #expect(try await store.deadLetters(DeadLetterFilter()).count == 4)
        #expect(try await store.deadLetters(DeadLetterFilter(destination: .publisher)).map(\.id) == [publisher[0].entry.id])
        #expect(try await store.deadLetters(DeadLetterFilter(sourceSystem: "hzggzy")).map(\.id) == [hub[3].entry.id])
        #expect(
            try await store.deadLetters(DeadLetterFilter(reasonContains: "regionCode")).map(\.id) == [hub[0].entry.id, hub[3].entry.id])
        #expect(try await store.deadLetters(DeadLetterFilter(reasonContains: "REGIONCODE")).isEmpty)
        #expect(
            try await store.deadLetters(DeadLetterFilter(deadSince: t0 + 15, deadBefore: t0 + 35)).map(\.id)
                == [hub[1].entry.id, hub[3].entry.id])
        #expect(try await store.deadLetters(DeadLetterFilter(limit: 1)).map(\.id) == [hub[0].entry.id])

        // After the hub fixed its region table, replay exactly the regionCode ones of the hub.
        let replayed = try await store.replayDeadLetters(
            .matching(DeadLetterFilter(destination: .hub, reasonContains: "regionCode")), now: t0 + 100)
        #expect(replayed == [hub[0].entry.id, hub[3].entry.id])
        let entries = try await temporary.outbox()
        for id in replayed {
            let entry = try #require(entries.first { $0.id == id })
            #expect(entry.state == .pending && entry.attempts == 0 && entry.nextAttemptAt == t0 + 100)
            #expect(entry.deadReason == nil && entry.leaseOwner == nil)
            #expect(entry.lastError?.contains("regionCode") == true)
        }
        #expect(try await store.deadLetters(DeadLetterFilter()).count == 2)
        let again = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-b", leaseSeconds: 60, now: t0 + 100)
        #expect(again.map(\.entry.id) == replayed)

        // By id; ids that are not dead are left alone.
        #expect(try await store.replayDeadLetters(.ids([publisher[0].entry.id, hub[2].entry.id]), now: t0 + 200) == [publisher[0].entry.id])
    }

    @Test(arguments: StoreBackend.allCases)
    func statisticsShowDepthAndAge(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        var statistics = try await store.outboxStatistics(now: t0)
        #expect(statistics.map(\.destination) == [.hub, .publisher])
        #expect(statistics.allSatisfy { $0.pending == 0 && $0.oldestUndeliveredCreatedAt == nil && $0.oldestUndeliveredAge == 0 })

        try await temporary.commit(
            TestBatch(number: "001", records: [Fixture.draft("CG-0240", subjects: ["甲公司"]), Fixture.draft("CG-0241")]))
        let claimed = try await store.claimOutbox(destination: .hub, limit: 1, owner: "node-a", leaseSeconds: 60, now: t0)
        _ = try await store.markDead(id: claimed[0].entry.id, owner: "node-a", reason: "400", now: t0)

        statistics = try await store.outboxStatistics(now: t0 + 90)
        #expect(
            statistics[0]
                == OutboxStatistics(destination: .hub, pending: 1, inflight: 0, dead: 1, oldestUndeliveredCreatedAt: t0, oldestUndeliveredAge: 90))
        #expect(statistics[1].pending == 1 && statistics[1].dead == 0)
    }

    // MARK: - Publicity expiry

    @Test(arguments: StoreBackend.allCases)
    func expiredPublicityIsTakenDownOnce(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let expiring = Fixture.draft("CG-0250", subjects: ["甲公司"], publicityEndsOn: Fixture.date("2024-12-31"))
        let running = Fixture.draft("CG-0251", subjects: ["乙公司"], publicityEndsOn: Fixture.date("2025-09-20"))
        let notPublished = Fixture.draft("CG-0252", subjects: ["李某"], publish: false, publicityEndsOn: Fixture.date("2024-11-30"))
        try await temporary.commit(TestBatch(number: "001", records: [expiring, running, notPublished]))

        #expect(try await store.creditRecordsWithExpiredPublicity(asOf: Fixture.date("2024-12-31")).isEmpty)
        let expired = try await store.creditRecordsWithExpiredPublicity(asOf: Fixture.date("2025-01-01"))
        let creditId = expiring.credits[0].record.creditRecordId
        #expect(
            expired == [
                ExpiredPublicity(creditRecordId: creditId, version: 1, publicityEndsOn: Fixture.date("2024-12-31"), sourceSystem: "zjzfcg")
            ])

        let takedown = try await store.enqueuePublicityTakedown(creditRecordId: creditId, version: 1, reason: "公示期届满", now: t0 + 5)
        #expect(takedown.destination == .publisher && takedown.operation == .delete && takedown.batchId == nil)
        #expect(takedown.takedownReason == "公示期届满" && takedown.state == .pending)
        let again = try await store.enqueuePublicityTakedown(creditRecordId: creditId, version: 1, reason: "公示期届满", now: t0 + 6)
        #expect(again.id == takedown.id)
        #expect(try await store.creditRecordsWithExpiredPublicity(asOf: Fixture.date("2025-01-01")).isEmpty)

        // The delete goes out only after the put of the same version.
        let first = try await store.claimOutbox(destination: .publisher, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0 + 10)
        #expect(first.filter { $0.entry.recordId == creditId }.map(\.entry.operation) == [.put])
        _ = try await store.markDelivered(ids: first.map(\.entry.id), owner: "node-a", now: t0 + 11)
        let second = try await store.claimOutbox(destination: .publisher, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0 + 11)
        #expect(second.map(\.entry.id) == [takedown.id])

        await #expect {
            try await store.enqueuePublicityTakedown(creditRecordId: "C-unknown", version: 1, reason: "x", now: t0)
        } throws: { ($0 as? StoreError)?.code == .notFound }

        // A correction makes version 2 the one to take down; naming version 1 now is refused.
        let corrected = Fixture.draft("CG-0250", subjects: ["甲公司"], fine: "1.5", publicityEndsOn: Fixture.date("2024-12-31"))
        try await temporary.commit(TestBatch(number: "002", records: [corrected]))
        #expect(try await store.creditRecordsWithExpiredPublicity(asOf: Fixture.date("2025-01-01")).map(\.version) == [2])
        await #expect {
            try await store.enqueuePublicityTakedown(creditRecordId: creditId, version: 1, reason: "x", now: t0)
        } throws: { ($0 as? StoreError)?.code == .invalidArgument }
    }

    // MARK: - Re-mapping

    @Test(arguments: StoreBackend.allCases)
    func aDeadVersionCanBeReplacedWithItsReMapping(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let draft = Fixture.draft("CG-0260", subjects: ["甲公司"])
        let receipt = try await temporary.commit(TestBatch(number: "001", records: [draft]))
        let claimed = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0)
        _ = try await store.markDead(id: claimed[0].entry.id, owner: "node-a", reason: "400 regionCode 330102 retired", now: t0 + 1)

        // The mapping now writes the new district code.
        var remapped = draft.hub
        remapped.version = 1
        remapped.regionCode = "330105"
        let requeued = try await store.replaceRecordVersionPayload(
            RecordVersionReplacement(
                payload: .hub(remapped), contentHash: Fixture.contentHash(remapped), trace: Data(#"{"fixed":true}"#.utf8),
                mappingVersion: "m-2024-10-09"),
            now: t0 + 60)
        #expect(requeued == [claimed[0].entry.id])

        let resent = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: t0 + 60)
        let payload = try StoreJSON.decode(HubRecord.self, from: try #require(resent.first).payload)
        #expect(payload.regionCode == "330105" && payload.version == 1 && payload.action == .publish)
        #expect(payload.source.batchId == receipt.batchId)
        let history = try await store.recordHistory(recordId: draft.hub.recordId)
        #expect(history.count == 1)
        #expect(history[0].provenance.mappingVersion == "m-2024-10-09" && history[0].provenance.remappedAt == t0 + 60)
        #expect(history[0].provenance.trace == Data(#"{"fixed":true}"#.utf8))

        // Once delivered, the hub keeps that version: a replacement is refused.
        _ = try await store.markDelivered(ids: resent.map(\.entry.id), owner: "node-a", now: t0 + 61)
        await #expect {
            try await store.replaceRecordVersionPayload(
                RecordVersionReplacement(payload: .hub(remapped), contentHash: "x", trace: Data(), mappingVersion: "m"), now: t0 + 62)
        } throws: { ($0 as? StoreError)?.code == .versionNotReplaceable }

        // A credit version can be replaced the same way.
        var credit = draft.credits[0].record
        credit.version = 1
        credit.CF_WSH = "杭上财采罚〔2024〕13号"
        #expect(
            try await store.replaceRecordVersionPayload(
                RecordVersionReplacement(payload: .credit(credit), contentHash: "c2", trace: Data(), mappingVersion: "m-2024-10-09"),
                now: t0 + 63) == [])
        let feed = try await store.creditFeed(after: nil, limit: 10)
        #expect(feed.records.map(\.CF_WSH) == ["杭上财采罚〔2024〕13号"])
    }
}
