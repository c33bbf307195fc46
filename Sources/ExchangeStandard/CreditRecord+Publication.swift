import Foundation

extension CreditRecord {
    /// 处罚类别 that alone do not make a record public on Credit Zhejiang (`spec/credit-record.md`).
    public static let unpublishedPenaltyCategories: Set<String> = ["警告", "通报批评"]

    /// The 处罚类别 of `CF_CFLB`, split on `;` (and the full-width `；` that sources type).
    ///
    /// Split on UTF-8 bytes and trimmed only where an edge may be whitespace: splitting by `Character` and
    /// Foundation's trimming of every piece were 2 % of translating a batch with several categories per penalty
    /// (make bench-profile).
    public static func penaltyCategories(_ text: String) -> [String] {
        let utf8 = text.utf8
        // One category with nothing to trim, the usual case: the text itself.
        // (Any 0xEF lead byte, as of the full-width ；, takes the splitting path.)
        if !utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 == 0xEF }) && !text.mayHaveEdgeWhitespace {
            return text.isEmpty ? [] : [text]
        }
        var categories: [String] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let separatorLength =
                utf8[index] == UInt8(ascii: ";") ? 1 : utf8[index...].starts(with: fullWidthSemicolon) ? fullWidthSemicolon.count : 0
            guard separatorLength > 0 else {
                index = utf8.index(after: index)
                continue
            }
            appendCategory(text[start..<index], to: &categories)
            index = utf8.index(index, offsetBy: separatorLength)
            start = index
        }
        appendCategory(text[start...], to: &categories)
        return categories
    }

    /// `；` (U+FF1B) in UTF-8.
    private static let fullWidthSemicolon: [UInt8] = [0xEF, 0xBC, 0x9B]

    private static func appendCategory(_ piece: Substring, to categories: inout [String]) {
        let text = String(piece)
        let category = text.mayHaveEdgeWhitespace ? text.trimmingCharacters(in: .whitespaces) : text
        if !category.isEmpty { categories.append(category) }
    }

    /// False when every 处罚类别 is 警告 or 通报批评: such records go to the credit platform but are not
    /// published on Credit Zhejiang. An empty `CF_CFLB` (invalid, rejected by validation) publishes rather than hides.
    public var isPublishableOnCreditZhejiang: Bool {
        let categories = Self.penaltyCategories(CF_CFLB)
        return categories.isEmpty || !categories.allSatisfy(Self.unpublishedPenaltyCategories.contains)
    }
}
