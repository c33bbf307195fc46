import ExchangeStandard
import Foundation
import Testing

@testable import Store

/// Receipts are stored, hashed into the audit chain and resent byte for byte: the canonical writer must write
/// exactly what `JSONEncoder` with sorted keys wrote before it, for every shape a receipt takes.
@Suite("receipt JSON: the canonical writer writes what JSONEncoder wrote")
struct ReceiptJSONTests {
    static let pieces = ["a", "Z", "0", "-", "中", "文", "😀", "é", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", " ", "\u{2028}"]

    static func text(_ generator: inout some RandomNumberGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &generator) { text += pieces.randomElement(using: &generator)! }
        return text
    }

    static func optionalText(_ generator: inout some RandomNumberGenerator) -> String? {
        Bool.random(using: &generator) ? text(&generator) : nil
    }

    static func receipt(_ generator: inout some RandomNumberGenerator) -> BatchReceipt {
        let accepted = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
            AcceptedRecord(
                sourceRecordId: text(&generator), recordId: text(&generator), version: Int.random(in: 1...12, using: &generator),
                action: ReceiptAction.allCases.randomElement(using: &generator)!,
                dueOn: LocalDate(year: Int.random(in: 1...2100, using: &generator), month: 2, day: Int.random(in: 1...28, using: &generator))!,
                late: Bool.random(using: &generator),
                credits: (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                    AcceptedCredit(
                        creditRecordId: text(&generator), version: Int.random(in: 1...3, using: &generator),
                        action: ReceiptAction.allCases.randomElement(using: &generator)!)
                })
        }
        let rejected = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
            RejectionDraft(
                sourceRecordId: text(&generator),
                errors: (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                    RejectionError(field: optionalText(&generator), rule: text(&generator), value: optionalText(&generator), message: text(&generator))
                })
        }
        return BatchReceipt(
            batchId: text(&generator), sourceSystem: text(&generator), batchNumber: optionalText(&generator), bodySHA256: text(&generator),
            receivedAt: text(&generator), mappingVersion: text(&generator), accepted: accepted, rejected: rejected)
    }

    @Test("random receipts: absent and present optionals, empty and full lists, characters that need escaping")
    func randomReceipts() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var generator = SystemRandomNumberGenerator()
        var withBatchNumber = 0
        var withCredits = 0
        var withErrorFields = 0
        for _ in 0..<1500 {
            let receipt = Self.receipt(&generator)
            let expected = try encoder.encode(receipt)
            #expect(receipt.canonicalJSON == expected, "\(String(decoding: expected, as: UTF8.self))")
            #expect(try StoreJSON.encode(receipt) == expected)
            #expect(try JSONDecoder().decode(BatchReceipt.self, from: receipt.canonicalJSON) == receipt)
            if receipt.batchNumber != nil { withBatchNumber += 1 }
            if receipt.accepted.contains(where: { !$0.credits.isEmpty }) { withCredits += 1 }
            if receipt.rejected.contains(where: { $0.errors.contains { $0.field != nil } }) { withErrorFields += 1 }
        }
        // The shapes were all met.
        #expect(withBatchNumber > 100 && withCredits > 100 && withErrorFields > 100)
    }

    @Test("an empty receipt")
    func empty() throws {
        let receipt = BatchReceipt(
            batchId: "b", sourceSystem: "nb-gpp", batchNumber: nil, bodySHA256: "00", receivedAt: "2024-11-22T10:00:00+08:00",
            mappingVersion: "m", accepted: [], rejected: [])
        #expect(
            String(decoding: receipt.canonicalJSON, as: UTF8.self)
                == #"{"accepted":[],"batchId":"b","bodySHA256":"00","mappingVersion":"m","receivedAt":"2024-11-22T10:00:00+08:00","rejected":[],"sourceSystem":"nb-gpp"}"#
        )
    }
}
