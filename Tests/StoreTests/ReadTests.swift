import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Reads for operators and reports")
struct ReadTests {
    @Test(arguments: StoreBackend.allCases)
    func aBatchShowsItsReceiptAndDeliveryStates(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let draft = Fixture.draft("CG-0800", subjects: ["甲公司", "李某"])
        let receipt = try await temporary.commit(TestBatch(number: "20241008-800", records: [draft]))
        let claimed = try await store.claimOutbox(destination: .hub, limit: 10, owner: "node-a", leaseSeconds: 60, now: Fixture.t0)
        _ = try await store.markDead(id: claimed[0].entry.id, owner: "node-a", reason: "400 title", now: Fixture.t0 + 1)

        let details = try #require(try await store.batch(id: receipt.batchId))
        #expect(details.sourceSystem == "zjzfcg" && details.batchNumber == "20241008-800")
        #expect(details.receivedAt == Fixture.receivedAt && details.receivedOn == Fixture.receivedOn)
        #expect(details.receipt.receipt == receipt)
        #expect(details.bodyByteCount == Int64(TestBatch(number: "20241008-800", records: [draft]).body.count))
        #expect(details.hubVersions.map(\.recordId) == [draft.hub.recordId])
        #expect(details.hubVersions[0].state(for: .hub) == .dead)
        #expect(details.hubVersions[0].deliveries.first?.deadReason == "400 title")
        #expect(details.creditVersions.map(\.recordId) == draft.credits.map(\.record.creditRecordId))
        #expect(details.creditVersions.allSatisfy { $0.state(for: .publisher) == .pending })
        #expect(try await store.batch(id: "B0000") == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func historiesListEveryVersionWithProvenance(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let draft = Fixture.draft("CG-0801", subjects: ["甲公司"])
        let first = try await temporary.commit(TestBatch(number: "001", records: [draft]))
        let second = try await temporary.commit(
            TestBatch(number: "002", records: [Fixture.draft("CG-0801", title: "更正公告", subjects: ["甲公司"], fine: "2")]))

        let history = try await store.recordHistory(recordId: draft.hub.recordId)
        #expect(history.map(\.provenance.batchId) == [first.batchId, second.batchId])
        #expect(history.map(\.provenance.action) == [.publish, .correct])
        #expect(history.allSatisfy { $0.provenance.sourceRecordId == "CG-0801" && $0.provenance.receivedAt == Fixture.receivedAt })
        #expect(history.map { $0.deliveries.map(\.operation) } == [[.upsert], [.upsert]])

        let credits = try await store.creditRecordHistory(creditRecordId: draft.credits[0].record.creditRecordId)
        #expect(credits.map(\.record.version) == [1, 2])
        #expect(credits.allSatisfy { $0.publishOnCreditZhejiang })
        #expect(credits[0].feedPosition < credits[1].feedPosition)
        #expect(credits.map { $0.deliveries.map(\.operation) } == [[.put], [.put]])
        #expect(try await store.recordHistory(recordId: "R-unknown").isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func batchesListNewestFirstWithReceiptCounts(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let rejection = RejectionDraft(
            sourceRecordId: "CG-0899",
            errors: [
                RejectionError(field: "responsible.uscc", rule: "uscc_check_digit", value: "X", message: "校验位错误"),
                RejectionError(field: "title", rule: "required", value: nil, message: "缺少标题"),
                RejectionError(field: "formedOn", rule: "required", value: nil, message: "缺少日期"),
            ])
        let first = try await temporary.commit(
            TestBatch(number: "001", records: [Fixture.draft("CG-0810"), Fixture.draft("CG-0811", late: true)], rejections: [rejection]))
        let second = try await temporary.commit(
            TestBatch(
                system: "hzggzy", number: "002", records: [Fixture.draft(system: "hzggzy", "GG-0810")],
                receivedOn: Fixture.date("2024-10-09")))
        // A resend of an unchanged record: accepted, but no new version and so not counted as changed or late.
        let third = try await temporary.commit(TestBatch(number: "003", records: [Fixture.draft("CG-0811", late: true)]))

        let all = try await store.batches(BatchListQuery())
        #expect(all.map(\.batchId) == [third.batchId, second.batchId, first.batchId])
        let summary = try #require(all.last)
        #expect(summary.sourceSystem == "zjzfcg" && summary.batchNumber == "001" && summary.receivedOn == Fixture.receivedOn)
        #expect(
            summary.counts == ReceiptCounts(accepted: 2, changed: 2, rejected: 1, late: 1, rejectionsByRule: ["uscc_check_digit": 1, "required": 1]))
        #expect(summary.mappingVersion == "m-2024-10-01" && summary.receivedAt == Fixture.receivedAt)
        #expect(all[0].counts == ReceiptCounts(accepted: 1))
        #expect(all.map(\.counts).reduce(ReceiptCounts(), +).accepted == 4)

        #expect(try await store.batches(BatchListQuery(sourceSystem: "hzggzy")).map(\.batchId) == [second.batchId])
        let tenth = try await store.batches(BatchListQuery(receivedOn: Fixture.receivedOn...Fixture.receivedOn, limit: nil))
        #expect(tenth.map(\.batchId) == [third.batchId, first.batchId])
        #expect(try await store.batches(BatchListQuery(limit: 1, offset: 1)).map(\.batchId) == [second.batchId])
        #expect(try await store.batches(BatchListQuery(limit: 5, offset: 3)).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func firstVersionsFeedTheTimelinessReport(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let onTime = Fixture.draft("CG-0802", formedOn: Fixture.date("2024-09-02"), dueOn: Fixture.date("2024-09-06"))
        let late = Fixture.draft("CG-0803", formedOn: Fixture.date("2024-09-20"), dueOn: Fixture.date("2024-09-27"), late: true)
        let october = Fixture.draft("CG-0804", formedOn: Fixture.date("2024-10-01"), dueOn: Fixture.date("2024-10-11"))
        let other = Fixture.draft(system: "hzggzy", "GG-0802", formedOn: Fixture.date("2024-09-10"), dueOn: Fixture.date("2024-09-13"))
        try await temporary.commit(TestBatch(number: "001", records: [onTime, late, october]))
        try await temporary.commit(TestBatch(system: "hzggzy", number: "001", records: [other]))
        // A correction is not a first version.
        try await temporary.commit(
            TestBatch(number: "002", records: [Fixture.draft("CG-0802", title: "更正", formedOn: Fixture.date("2024-09-02"))]))

        let september = try await store.firstVersions(
            TimelinessQuery(formedOn: Fixture.date("2024-09-01")...Fixture.date("2024-09-30")))
        #expect(september.map(\.recordId) == [onTime.hub.recordId, other.hub.recordId, late.hub.recordId])
        #expect(september.allSatisfy { $0.version == 1 && $0.action == .publish })
        let row = try #require(september.last)
        #expect(
            row
                == TimelinessRow(
                    recordId: late.hub.recordId, version: 1, action: .publish, sourceSystem: "zjzfcg", responsibleName: "杭州市上城区教育局",
                    responsibleUSCC: "11330102002497123X", domain: "government_procurement", itemType: "award_result", regionCode: "330102",
                    formedOn: Fixture.date("2024-09-20"), dueOn: Fixture.date("2024-09-27"), publishedOn: Fixture.date("2024-09-20"),
                    receivedOn: Fixture.receivedOn, late: true))

        let dueEarly = try await store.firstVersions(
            TimelinessQuery(dueOn: Fixture.date("2024-09-01")...Fixture.date("2024-09-13"), sourceSystem: "zjzfcg"))
        #expect(dueEarly.map(\.recordId) == [onTime.hub.recordId])
        #expect(try await store.firstVersions(TimelinessQuery()).count == 4)
    }
}
