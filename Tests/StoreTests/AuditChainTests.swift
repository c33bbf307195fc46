import Crypto
import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Audit chain")
struct AuditChainTests {
    let temporary: TemporaryStore
    var store: SQLiteGatewayStore { temporary.store }

    init() throws {
        temporary = try TemporaryStore()
    }

    /// Three committed batches; returns their receipts in commit order.
    func commitThree() async throws -> [BatchReceipt] {
        var receipts: [BatchReceipt] = []
        for number in ["001", "002", "003"] {
            receipts.append(
                try await temporary.commit(TestBatch(number: number, records: [Fixture.draft("CG-05\(number)", subjects: ["甲公司"])])))
        }
        return receipts
    }

    @Test func anUntouchedChainVerifies() async throws {
        #expect(try await store.verifyAuditChain() == AuditVerification(linksChecked: 0, firstBroken: nil))
        let receipts = try await commitThree()
        // A duplicate appends nothing.
        _ = try await store.commitBatch(
            try TestBatch(number: "001", records: [Fixture.draft("CG-05001", subjects: ["甲公司"])]).submission(spoolingIn: temporary))

        let verification = try await store.verifyAuditChain(rehashBodies: true)
        #expect(verification.isIntact)
        #expect(verification.linksChecked == receipts.count)
    }

    @Test func theLinkHashIsTheDocumentedFormula() async throws {
        let receipts = try await commitThree()
        let first = try #require(try await store.batch(id: receipts[0].batchId))
        var hasher = SHA256()
        hasher.update(data: Data(repeating: 0, count: 32))
        hasher.update(data: SHA256Digest.bytes(hex: first.bodySHA256)!)
        hasher.update(data: Data(SHA256.hash(data: first.receipt.json)))
        let expected = SHA256Digest.hex(Data(hasher.finalize()))
        let stored = try await store.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT link_hash FROM audit_link WHERE batch_id = ?", arguments: [receipts[0].batchId])
        }
        #expect(stored == expected)
    }

    @Test func anEditedReceiptIsNamed() async throws {
        let receipts = try await commitThree()
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

    @Test func anEditedBodyHashIsNamed() async throws {
        let receipts = try await commitThree()
        try await temporary.execute("UPDATE batch SET body_sha256 = ? WHERE id = ?", [String(repeating: "f", count: 64), receipts[2].batchId])
        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.sequence == 3 && broken.batchId == receipts[2].batchId && broken.problem == .bodyHashMismatch)
        #expect(broken.expected == receipts[2].bodySHA256 && broken.stored == String(repeating: "f", count: 64))
    }

    @Test func aRewrittenLinkBreaksTheNextOne() async throws {
        let receipts = try await commitThree()
        // A careful intruder edits the receipt and recomputes its own link, but cannot fix the links after it.
        try await temporary.execute(
            "UPDATE batch SET receipt_json = replace(receipt_json, '\"late\":false', '\"late\":true') WHERE id = ?", [receipts[0].batchId])
        let (receiptJSON, bodyHash) = try await store.dbPool.read { db in
            let row = try #require(
                try Row.fetchOne(db, sql: "SELECT receipt_json, body_sha256 FROM batch WHERE id = ?", arguments: [receipts[0].batchId]))
            return (row["receipt_json"] as String, row["body_sha256"] as String)
        }
        let receiptDigest = SHA256Digest.bytes(of: Data(receiptJSON.utf8))
        let link = AuditChain.linkHash(previous: SHA256Digest.genesis, bodySHA256: SHA256Digest.bytes(hex: bodyHash)!, receiptSHA256: receiptDigest)
        try await temporary.execute(
            "UPDATE audit_link SET receipt_sha256 = ?, link_hash = ? WHERE batch_id = ?",
            [SHA256Digest.hex(receiptDigest), SHA256Digest.hex(link), receipts[0].batchId])

        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.sequence == 2 && broken.batchId == receipts[1].batchId && broken.problem == .previousLinkMismatch)
        #expect(broken.expected == SHA256Digest.hex(link))
    }

    @Test func aDeletedLinkIsFound() async throws {
        let receipts = try await commitThree()
        try await temporary.execute("DELETE FROM audit_link WHERE batch_id = ?", [receipts[2].batchId])
        let broken = try #require(try await store.verifyAuditChain().firstBroken)
        #expect(broken.batchId == receipts[2].batchId && broken.problem == .missingLink)
    }

    @Test func anEditedBodyIsFoundWhenBodiesAreRehashed() async throws {
        let receipts = try await commitThree()
        try await temporary.execute(
            "UPDATE batch_body_chunk SET bytes = CAST(replace(CAST(bytes AS TEXT), 'CG-05', 'CG-06') AS BLOB) WHERE batch_id = ?",
            [receipts[1].batchId])
        #expect(try await store.verifyAuditChain(rehashBodies: false).isIntact)
        let broken = try #require(try await store.verifyAuditChain(rehashBodies: true).firstBroken)
        #expect(broken.batchId == receipts[1].batchId && broken.problem == .bodyContentMismatch)
    }
}
