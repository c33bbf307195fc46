import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Resends, conflicts and the batch key")
struct ResendTests {
    @Test(arguments: StoreBackend.allCases)
    func resendReturnsTheFirstReceiptByteForByte(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let batch = TestBatch(number: "20241008-017", records: [Fixture.draft("CG-0100", subjects: ["杭州某某科技有限公司"])])
        guard case .committed(let first) = try await store.commitBatch(try batch.submission(spoolingIn: temporary)) else {
            Issue.record("first submission not committed")
            return
        }
        let counts = try await Self.tableCounts(temporary)

        let resend = try await store.commitBatch(try batch.submission(spoolingIn: temporary))
        guard case .duplicate(let again) = resend else {
            Issue.record("expected a duplicate, got \(resend)")
            return
        }
        #expect(again.json == first.json)
        #expect(again.receipt == first.receipt)
        #expect(try await Self.tableCounts(temporary) == counts)
        // Reads return the same bytes too.
        #expect(try await store.batch(id: first.receipt.batchId)?.receipt.json == first.json)
    }

    @Test(arguments: StoreBackend.allCases)
    func sameNumberWithOtherBytesIsAConflict(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipt = try await temporary.commit(TestBatch(number: "20241008-018", records: [Fixture.draft("CG-0101")]))
        let counts = try await Self.tableCounts(temporary)

        let other = TestBatch(number: "20241008-018", records: [Fixture.draft("CG-0102")])
        let outcome = try await store.commitBatch(try other.submission(spoolingIn: temporary))
        #expect(
            outcome
                == .conflict(
                    BatchConflict(
                        batchId: receipt.batchId, existingBodySHA256: receipt.bodySHA256,
                        submittedBodySHA256: SHA256Digest.hex(of: other.body))))
        #expect(try await Self.tableCounts(temporary) == counts)
    }

    @Test(arguments: StoreBackend.allCases)
    func withoutBatchNumberTheBodyHashIsTheKey(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let batch = TestBatch(number: nil, records: [Fixture.draft("CG-0103")])
        let submission = try batch.submission(spoolingIn: temporary)
        let receipt = try await temporary.commit(batch)
        #expect(receipt.batchNumber == nil)
        #expect(receipt.batchId == submission.batchId)

        guard case .duplicate(let again) = try await store.commitBatch(submission) else {
            Issue.record("an unnumbered resend must be a duplicate")
            return
        }
        #expect(again.receipt == receipt)

        // Other bytes without a number are simply another batch.
        let other = try await temporary.commit(TestBatch(number: nil, records: [Fixture.draft("CG-0103")], bodyNote: "second"))
        #expect(other.batchId != receipt.batchId)
        #expect(other.accepted.first?.action == .unchanged)
    }

    @Test func batchIdIsDerivedFromTheKeyAlone() {
        let key = BatchKey(sourceSystem: "zjzfcg", batchNumber: "20241008-001", bodySHA256: String(repeating: "a", count: 64))
        let sameKeyOtherBody = BatchKey(sourceSystem: "zjzfcg", batchNumber: "20241008-001", bodySHA256: String(repeating: "b", count: 64))
        // "B" + the first 20 hex digits of SHA-256("zjzfcg\u{0}20241008-001").
        let expected = "B" + SHA256Digest.hex(of: Data("zjzfcg\u{0}20241008-001".utf8)).prefix(20)
        #expect(key.batchId == expected)
        #expect(key.batchId.count == 21)
        #expect(sameKeyOtherBody.batchId == key.batchId)
        #expect(BatchKey(sourceSystem: "hzggzy", batchNumber: "20241008-001", bodySHA256: "").batchId != key.batchId)
    }

    @Test(arguments: StoreBackend.allCases)
    func aBodyThatDoesNotMatchItsHashStoresNothing(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let batch = TestBatch(number: "20241008-019", records: [Fixture.draft("CG-0104")])
        var submission = try batch.submission(spoolingIn: temporary)
        submission.bodySHA256 = String(repeating: "0", count: 64)
        await #expect {
            try await store.commitBatch(submission)
        } throws: { error in
            (error as? StoreError)?.code == .bodyMismatch
        }
        #expect(try await Self.tableCounts(temporary) == TableCounts())
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentResendsStoreTheBatchOnce(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let batch = TestBatch(number: "20241008-020", records: [Fixture.draft("CG-0105", subjects: ["杭州某某科技有限公司"])])
        let submissions = try (0..<6).map { _ in try batch.submission(spoolingIn: temporary) }
        let outcomes = try await withThrowingTaskGroup(of: BatchCommitOutcome.self) { group in
            for submission in submissions {
                group.addTask { try await store.commitBatch(submission) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let committed = outcomes.compactMap { if case .committed(let receipt) = $0 { receipt } else { nil } }
        let duplicates = outcomes.compactMap { if case .duplicate(let receipt) = $0 { receipt } else { nil } }
        #expect(committed.count == 1)
        #expect(duplicates.count == 5)
        #expect(duplicates.allSatisfy { $0.json == committed.first?.json })
        #expect(try await temporary.count("batch") == 1)
        #expect(try await temporary.count("hub_record_version") == 1)
    }

    struct TableCounts: Equatable {
        var batches = 0, chunks = 0, hubVersions = 0, creditVersions = 0, outbox = 0, feed = 0, links = 0
    }

    static func tableCounts(_ temporary: TemporaryStore) async throws -> TableCounts {
        TableCounts(
            batches: try await temporary.count("batch"), chunks: try await temporary.count("batch_body_chunk"),
            hubVersions: try await temporary.count("hub_record_version"),
            creditVersions: try await temporary.count("credit_record_version"), outbox: try await temporary.count("outbox"),
            feed: try await temporary.count("credit_feed"), links: try await temporary.count("audit_link"))
    }
}
