import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Versioning inside the commit")
struct VersioningTests {
    @Test(arguments: StoreBackend.allCases)
    func firstSubmissionPublishesVersionOne(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let draft = Fixture.draft("CG-0001", subjects: ["杭州某某科技有限公司", "李某"])
        let receipt = try await temporary.commit(TestBatch(number: "20241008-001", records: [draft]))

        let accepted = try #require(receipt.accepted.first)
        #expect(receipt.accepted.count == 1 && receipt.rejected.isEmpty)
        #expect(accepted.recordId == draft.hub.recordId)
        #expect(accepted.version == 1 && accepted.action == .publish)
        #expect(accepted.dueOn == Fixture.date("2024-10-10") && accepted.late == false)
        #expect(accepted.creditRecordIds == draft.credits.map(\.record.creditRecordId))
        #expect(accepted.credits.allSatisfy { $0.version == 1 && $0.action == .publish })

        // The stored JSON carries the real version, action and gateway batch id.
        let history = try await store.recordHistory(recordId: draft.hub.recordId)
        let stored = try #require(history.first)
        #expect(history.count == 1)
        #expect(stored.record.version == 1 && stored.record.action == .publish)
        #expect(stored.record.source.batchId == receipt.batchId)
        #expect(String(decoding: stored.json, as: UTF8.self).contains(#""version":1"#))
        #expect(stored.provenance.trace == draft.trace && stored.provenance.mappingVersion == "m-2024-10-01")

        let credit = try #require(try await store.creditRecordHistory(creditRecordId: accepted.creditRecordIds[0]).first)
        #expect(credit.record.version == 1 && credit.record.action == .publish && credit.record.source.batchId == receipt.batchId)
    }

    @Test(arguments: StoreBackend.allCases)
    func resendWithSameContentIsUnchanged(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let draft = Fixture.draft("CG-0002", subjects: ["杭州某某科技有限公司"])
        try await temporary.commit(TestBatch(number: "001", records: [draft]))
        let outboxBefore = try await temporary.count("outbox")

        // A new batch (new number) carrying the same record again.
        let receipt = try await temporary.commit(TestBatch(number: "002", records: [draft]))
        let accepted = try #require(receipt.accepted.first)
        #expect(accepted.action == .unchanged && accepted.version == 1)
        #expect(accepted.credits == [AcceptedCredit(creditRecordId: draft.credits[0].record.creditRecordId, version: 1, action: .unchanged)])
        #expect(try await store.recordHistory(recordId: draft.hub.recordId).count == 1)
        #expect(try await temporary.count("outbox") == outboxBefore)
    }

    @Test(arguments: StoreBackend.allCases)
    func changedContentIsACorrection(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let subject = "杭州某某科技有限公司"
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0003", subjects: [subject])]))

        // The title changes, the penalty does not: the hub record gets v2, the credit record stays at v1.
        let retitled = Fixture.draft("CG-0003", title: "更正公告：多媒体教学设备采购项目中标结果", subjects: [subject])
        let second = try #require(try await temporary.commit(TestBatch(number: "002", records: [retitled])).accepted.first)
        #expect(second.version == 2 && second.action == .correct)
        #expect(second.credits.map(\.action) == [.unchanged])

        // Now the fine changes: the credit record gets v2 on its own.
        let refined = Fixture.draft("CG-0003", title: "更正公告：多媒体教学设备采购项目中标结果", subjects: [subject], fine: "0.7")
        let third = try #require(try await temporary.commit(TestBatch(number: "003", records: [refined])).accepted.first)
        #expect(third.action == .unchanged && third.version == 2)
        #expect(third.credits == [AcceptedCredit(creditRecordId: refined.credits[0].record.creditRecordId, version: 2, action: .correct)])

        let history = try await store.recordHistory(recordId: retitled.hub.recordId)
        #expect(history.map(\.record.version) == [1, 2])
        #expect(history.map(\.record.action) == [.publish, .correct])
        #expect(history[1].record.title == "更正公告：多媒体教学设备采购项目中标结果")
        let credits = try await store.creditRecordHistory(creditRecordId: refined.credits[0].record.creditRecordId)
        #expect(credits.map(\.record.CF_NR_FK) == ["0.615", "0.7"])
    }

    @Test(arguments: StoreBackend.allCases)
    func withdrawalThenRepeatThenReinstatement(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let subject = "杭州某某科技有限公司"
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0004", subjects: [subject])]))

        let withdrawal = Fixture.draft("CG-0004", subjects: [subject], withdraw: true)
        let withdrawn = try #require(try await temporary.commit(TestBatch(number: "002", records: [withdrawal])).accepted.first)
        #expect(withdrawn.version == 2 && withdrawn.action == .withdraw)
        #expect(withdrawn.credits.map(\.action) == [.withdraw] && withdrawn.credits.map(\.version) == [2])

        // Withdrawing again changes nothing.
        let again = try #require(try await temporary.commit(TestBatch(number: "003", records: [withdrawal])).accepted.first)
        #expect(again.version == 2 && again.action == .unchanged)
        #expect(again.credits.map(\.action) == [.unchanged])

        // The same content sent again without the flag brings the record back, as a correction.
        let back = try #require(
            try await temporary.commit(TestBatch(number: "004", records: [Fixture.draft("CG-0004", subjects: [subject])])).accepted.first)
        #expect(back.version == 3 && back.action == .correct)
        let history = try await store.recordHistory(recordId: withdrawal.hub.recordId)
        #expect(history.map(\.record.action) == [.publish, .withdraw, .correct])
    }

    @Test(arguments: StoreBackend.allCases)
    func withdrawalOfAnUnknownRecordIsRejected(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let unknown = Fixture.draft("CG-0404", subjects: ["杭州某某科技有限公司"], withdraw: true)
        let fine = Fixture.draft("CG-0005")
        let earlier = RejectionDraft(
            sourceRecordId: "CG-0006",
            errors: [RejectionError(field: "responsible.uscc", rule: "uscc_check_digit", value: "91330106MA2H0XXX1X", message: "校验码错误")])
        let receipt = try await temporary.commit(TestBatch(number: "001", records: [unknown, fine], rejections: [earlier]))

        #expect(receipt.accepted.map(\.sourceRecordId) == ["CG-0005"])
        #expect(receipt.rejected.map(\.sourceRecordId) == ["CG-0006", "CG-0404"])
        let errors = receipt.rejected[1].errors
        #expect(errors.map(\.rule) == ["withdraw_unknown", "withdraw_unknown"])
        #expect(errors[0].value == unknown.hub.recordId && errors[0].message.contains("CG-0404"))
        #expect(errors[1].value == unknown.credits[0].record.creditRecordId)
        #expect(try await store.recordHistory(recordId: unknown.hub.recordId).isEmpty)
        #expect(try await temporary.count("credit_record_version") == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func withdrawalAlsoWithdrawsCreditsTheDraftNoLongerLists(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let first = Fixture.draft("CG-0007", subjects: ["杭州某某科技有限公司", "李某"])
        try await temporary.commit(TestBatch(number: "001", records: [first]))

        // The withdrawal as the source sends it names no subjects any more.
        let withdrawal = Fixture.draft("CG-0007", withdraw: true)
        let accepted = try #require(try await temporary.commit(TestBatch(number: "002", records: [withdrawal])).accepted.first)
        #expect(accepted.action == .withdraw)
        #expect(Set(accepted.creditRecordIds) == Set(first.credits.map(\.record.creditRecordId)))
        #expect(accepted.credits.allSatisfy { $0.action == .withdraw && $0.version == 2 })
        for credit in first.credits {
            let latest = try #require(try await store.creditRecordHistory(creditRecordId: credit.record.creditRecordId).last)
            #expect(latest.record.action == .withdraw && latest.record.version == 2)
            #expect(latest.record.CF_XDR_MC == credit.record.CF_XDR_MC)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theSameRecordTwiceInOneBatchIsVersionedInOrder(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let first = Fixture.draft("CG-0008")
        let second = Fixture.draft("CG-0008", title: "更正后的标题")
        let receipt = try await temporary.commit(TestBatch(number: "001", records: [first, second]))
        #expect(receipt.accepted.map(\.version) == [1, 2])
        #expect(receipt.accepted.map(\.action) == [.publish, .correct])
    }
}
