import Foundation

extension CreditRecord {
    /// 处罚类别 that alone do not make a record public on Credit Zhejiang (`spec/credit-record.md`).
    public static let unpublishedPenaltyCategories: Set<String> = ["警告", "通报批评"]

    /// The 处罚类别 of `CF_CFLB`, split on `;` (and the full-width `；` that sources type).
    public static func penaltyCategories(_ text: String) -> [String] {
        // One category with nothing to trim, the usual case: no splitting by characters.
        // (Any 0xEF lead byte, as of the full-width ；, takes the full path.)
        if !text.utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 == 0xEF }) && !text.mayHaveEdgeWhitespace {
            return text.isEmpty ? [] : [text]
        }
        return text.split(whereSeparator: { $0 == ";" || $0 == "；" })
            .map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// False when every 处罚类别 is 警告 or 通报批评: such records go to the credit platform but are not
    /// published on Credit Zhejiang. An empty `CF_CFLB` (invalid, rejected by validation) publishes rather than hides.
    public var isPublishableOnCreditZhejiang: Bool {
        let categories = Self.penaltyCategories(CF_CFLB)
        return categories.isEmpty || !categories.allSatisfy(Self.unpublishedPenaltyCategories.contains)
    }
}
