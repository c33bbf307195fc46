import Crypto
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Audit chain")
struct AuditChainTests {
    /// Three committed batches; returns their receipts in commit order.
    static func commitThree(_ temporary: TemporaryStore) async throws -> [BatchReceipt] {
        var receipts: [BatchReceipt] = []
        for number in ["001", "002", "003"] {
            receipts.append(
                try await temporary.commit(TestBatch(number: number, records: [Fixture.draft("CG-05\(number)", subjects: ["甲公司"])])))
        }
        return receipts
    }

    @Test(arguments: StoreBackend.allCases)
    func anUntouchedChainVerifies(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        #expect(try await store.verifyAuditChain() == AuditVerification(linksChecked: 0, firstBroken: nil))
        let receipts = try await Self.commitThree(temporary)
        // A duplicate appends nothing.
        _ = try await store.commitBatch(
            try TestBatch(number: "001", records: [Fixture.draft("CG-05001", subjects: ["甲公司"])]).submission(spoolingIn: temporary))

        let verification = try await store.verifyAuditChain(rehashBodies: true)
        #expect(verification.isIntact)
        #expect(verification.linksChecked == receipts.count)
    }

    @Test(arguments: StoreBackend.allCases)
    func theLinkHashIsTheDocumentedFormula(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        let first = try #require(try await store.batch(id: receipts[0].batchId))
        var hasher = SHA256()
        hasher.update(data: Data(repeating: 0, count: 32))
        hasher.update(data: SHA256Digest.bytes(hex: first.bodySHA256)!)
        hasher.update(data: Data(SHA256.hash(data: first.receipt.json)))
        let expected = SHA256Digest.hex(Data(hasher.finalize()))
        let stored = try await temporary.fetchString("SELECT link_hash FROM audit_link WHERE batch_id = ?", [receipts[0].batchId])
        #expect(stored == expected)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEditedReceiptIsNamed(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        // Someone "corrects" the second batch's receipt in place.
        try await temporary.execute(
            "UPDATE batch SET receipt_json = replace(receipt_json, '\"late\":false', '\"late\":true') WHERE id = ?", [receipts[1].batchId])

        let verification = try await store.verifyAuditChain()
        let broken = try #require(verification.firstBroken)
        #expect(broken.sequence == 2 && broken.batchId == receipts[1].batchId)
        #expect(broken.problem == .receiptHashMismatch)
        #expect(broken.expected != broken.stored)
        #expect(verification.linksChecked == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEditedBodyHashIsNamed(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        try await temporary.execute("UPDATE batch SET body_sha256 = ? WHERE id = ?", [String(repeating: "f", count: 64), receipts[2].batchId])
        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.sequence == 3 && broken.batchId == receipts[2].batchId && broken.problem == .bodyHashMismatch)
        #expect(broken.expected == receipts[2].bodySHA256 && broken.stored == String(repeating: "f", count: 64))
    }

    @Test(arguments: StoreBackend.allCases)
    func aRewrittenLinkBreaksTheNextOne(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        // A careful intruder edits the receipt and recomputes its own link, but cannot fix the links after it.
        try await temporary.execute(
            "UPDATE batch SET receipt_json = replace(receipt_json, '\"late\":false', '\"late\":true') WHERE id = ?", [receipts[0].batchId])
        let receiptJSON = try #require(try await temporary.fetchString("SELECT receipt_json FROM batch WHERE id = ?", [receipts[0].batchId]))
        let bodyHash = try #require(try await temporary.fetchString("SELECT body_sha256 FROM batch WHERE id = ?", [receipts[0].batchId]))
        let receiptDigest = SHA256Digest.bytes(of: Data(receiptJSON.utf8))
        let link = AuditChain.linkHash(previous: SHA256Digest.genesis, bodySHA256: SHA256Digest.bytes(hex: bodyHash)!, receiptSHA256: receiptDigest)
        try await temporary.execute(
            "UPDATE audit_link SET receipt_sha256 = ?, link_hash = ? WHERE batch_id = ?",
            [SHA256Digest.hex(receiptDigest), SHA256Digest.hex(link), receipts[0].batchId])

        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.sequence == 2 && broken.batchId == receipts[1].batchId && broken.problem == .previousLinkMismatch)
        #expect(broken.expected == SHA256Digest.hex(link))
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeletedLinkIsFound(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        try await temporary.execute("DELETE FROM audit_link WHERE batch_id = ?", [receipts[2].batchId])
        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.batchId == receipts[2].batchId && broken.problem == .missingLink)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEditedBodyIsFoundWhenBodiesAreRehashed(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let store = temporary.store
        let receipts = try await Self.commitThree(temporary)
        let editBytes =
            switch backend {
            case .sqlite: "CAST(replace(CAST(bytes AS TEXT), 'CG-05', 'CG-06') AS BLOB)"
            case .postgres: "convert_to(replace(convert_from(bytes, 'UTF8'), 'CG-05', 'CG-06'), 'UTF8')"
            }
        try await temporary.execute("UPDATE batch_body_chunk SET bytes = \(editBytes) WHERE batch_id = ?", [receipts[1].batchId])
        #expect(try await store.verifyAuditChain(rehashBodies: false).isIntact)
        let broken = try #require(try await store.verifyAuditChain(rehashBodies: true).firstBroken)
        #expect(broken.batchId == receipts[1].batchId && broken.problem == .bodyContentMismatch)
    }
}
