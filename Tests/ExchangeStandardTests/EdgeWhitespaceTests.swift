import ExchangeStandard
import Foundation
import Testing

@Suite("Edge whitespace shortcut")
struct EdgeWhitespaceTests {
    /// Every character Foundation or Unicode calls whitespace, and characters near them in UTF-8.
    static let whitespace: [String] = (0...0x10FFFF).compactMap { value in
        guard let scalar = Unicode.Scalar(value) else { return nil }
        let isSpace = scalar.properties.isWhitespace || CharacterSet.whitespacesAndNewlines.contains(scalar)
        return isSpace || scalar == "\u{FEFF}" || scalar == "\u{180E}" ? String(scalar) : nil
    }
    static let pieces = whitespace + ["a", "Z", "0", "中", "罚款", "《", "》", "；", ";", "é", "😀", "\u{3001}", "\u{2010}", "ｱ"]

    @Test("no whitespace character starts with a lead byte the shortcut passes over")
    func everyWhitespaceIsFlagged() {
        #expect(Self.whitespace.count > 20)
        for space in Self.whitespace {
            #expect(space.mayHaveEdgeWhitespace, "U+\(String(space.unicodeScalars.first!.value, radix: 16))")
            #expect(("中" + space).mayHaveEdgeWhitespace)
            #expect((space + "中").mayHaveEdgeWhitespace)
        }
        #expect(!"罚款".mayHaveEdgeWhitespace)
        #expect(!"".mayHaveEdgeWhitespace)
        #expect(!"NBCG-2024-000001-GK".mayHaveEdgeWhitespace)
    }

    @Test("a string the shortcut passes over trims to itself, and its 处罚类别 split as by characters")
    func shortcutNeverSkipsATrim() {
        var generator = SystemRandomNumberGenerator()
        var skipped = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let reference = text.split(whereSeparator: { $0 == ";" || $0 == "；" })
                .map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(CreditRecord.penaltyCategories(text) == reference, "\(text.debugDescription)")
            guard !text.mayHaveEdgeWhitespace else { continue }
            skipped += 1
            #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == text, "\(text.debugDescription)")
        }
        #expect(skipped > 1000)
    }
}
