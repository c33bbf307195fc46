/// Why a source's money text is not an amount the standard accepts.
public struct AmountParseError: StandardRuleFailure {
    /// Stable reason code; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Nothing but whitespace.
        public static let empty = Code(rawValue: "empty")
        /// Not a decimal number (letters, several dots, an unknown unit, a sign other than `-` …).
        public static let notANumber = Code(rawValue: "notANumber")
        /// A leading `-`: disclosed amounts (prices, budgets, fines) are never negative.
        public static let negative = Code(rawValue: "negative")
        /// Thousands separators not in groups of three (`1,23`, `12,3456`, `1,2,3.4`), or in the fraction.
        public static let thousandsSeparator = Code(rawValue: "thousandsSeparator")
        /// Neither the text nor the mapping says whether it is 元, 万元 or 亿元.
        public static let unitMissing = Code(rawValue: "unitMissing")
        /// More than 9,223,372,036,854.775807 元 (the internal integer range).
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// Finer than 0.000001 元, the internal scale; no real amount has such digits.
        public static let tooPrecise = Code(rawValue: "tooPrecise")
    }

    public let code: Code
    /// The text as the source sent it.
    public let text: String

    public init(code: Code, text: String) {
        self.code = code
        self.text = text
    }

    public var rule: String { "amount.\(code.rawValue)" }

    public var message: String {
        switch code {
        case .empty: "amount is empty"
        case .notANumber: "amount \"\(text)\" is not a decimal number with an optional unit 元, 万元 or 亿元"
        case .negative: "amount \"\(text)\" is negative; disclosed amounts are never negative"
        case .thousandsSeparator: "amount \"\(text)\" has thousands separators in the wrong places (groups of three digits)"
        case .unitMissing: "amount \"\(text)\" has no unit and the mapping gives none: unit missing"
        case .tooLarge: "amount \"\(text)\" is too large"
        case .tooPrecise: "amount \"\(text)\" has digits finer than 0.000001 元"
        default: "amount \"\(text)\" is invalid (\(code.rawValue))"
        }
    }

    public var chineseMessage: String {
        switch code {
        case .empty: "金额为空"
        case .notANumber: "金额“\(text)”不是有效的数字（单位只能是元、万元或亿元）"
        case .negative: "金额“\(text)”为负数，公开的金额不得为负"
        case .thousandsSeparator: "金额“\(text)”的千分位分隔符位置错误（应每三位一组）"
        case .unitMissing: "金额“\(text)”缺少单位（元、万元或亿元）"
        case .tooLarge: "金额“\(text)”超出允许范围"
        case .tooPrecise: "金额“\(text)”的小数位过多（精度超过0.000001元）"
        default: "金额“\(text)”无效（\(code.rawValue)）"
        }
    }
}
