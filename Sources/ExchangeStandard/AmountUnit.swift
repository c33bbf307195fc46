/// The money units Chinese disclosures use: 元, 万元 (10⁴ 元) and 亿元 (10⁸ 元).
public enum AmountUnit: String, Hashable, Sendable, Codable, CaseIterable {
    case yuan = "元"
    case wanYuan = "万元"
    case yiYuan = "亿元"

    /// Power of ten that turns a value in this unit into 元.
    public var exponentOfTen: Int {
        switch self {
        case .yuan: 0
        case .wanYuan: 4
        case .yiYuan: 8
        }
    }
}
