/// The rule of GB 32100 / GB 11714 a 统一社会信用代码 broke, with what was expected where.
public struct USCCFailure: StandardRuleFailure {
    /// Stable reason code; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not 18 characters.
        public static let length = Code(rawValue: "length")
        /// A character outside `0-9 A-H J-N P-R T U W-Y` (lower case included).
        public static let characters = Code(rawValue: "characters")
        /// Character 18 is not the GB 32100 check character.
        public static let checkDigit = Code(rawValue: "checkDigit")
        /// Character 17 is not the GB 11714 check character of characters 9–16.
        public static let organizationCheck = Code(rawValue: "organizationCheck")
    }

    public let code: Code
    /// The code as given.
    public let value: String
    /// The character count, for `length`.
    public let length: Int?
    /// 1-based position of the offending character.
    public let position: Int?
    /// The check character the rule computes, for `checkDigit` and `organizationCheck`.
    public let expected: Character?
    /// The character found at ``position``.
    public let actual: Character?

    public init(
        code: Code, value: String, length: Int? = nil, position: Int? = nil, expected: Character? = nil, actual: Character? = nil
    ) {
        self.code = code
        self.value = value
        self.length = length
        self.position = position
        self.expected = expected
        self.actual = actual
    }

    public var rule: String { "uscc.\(code.rawValue)" }

    private var isLowercase: Bool { actual.map { $0.isLowercase } ?? false }

    public var message: String {
        switch code {
        case .length:
            "统一社会信用代码 \"\(value)\" has \(length ?? value.count) characters; it must have 18"
        case .characters where isLowercase:
            "统一社会信用代码 \"\(value)\" has a lower-case letter '\(actual.map(String.init) ?? "")' at position \(position ?? 0); "
                + "the code uses upper-case letters only"
        case .characters:
            "统一社会信用代码 \"\(value)\" has '\(actual.map(String.init) ?? "")' at position \(position ?? 0), "
                + "outside the 31 characters 0-9 and A-Y without I, O, S, V, Z"
        case .checkDigit:
            "统一社会信用代码 \"\(value)\" fails the GB 32100 check: character 18 should be '\(expected.map(String.init) ?? "")', "
                + "is '\(actual.map(String.init) ?? "")'"
        case .organizationCheck:
            "统一社会信用代码 \"\(value)\" fails the GB 11714 organisation-code check of characters 9–17: "
                + "character 17 should be '\(expected.map(String.init) ?? "")', is '\(actual.map(String.init) ?? "")'"
        default:
            "统一社会信用代码 \"\(value)\" is invalid (\(code.rawValue))"
        }
    }

    public var chineseMessage: String {
        switch code {
        case .length:
            "统一社会信用代码“\(value)”为\(length ?? value.count)位，应为18位"
        case .characters where isLowercase:
            "统一社会信用代码“\(value)”第\(position ?? 0)位“\(actual.map(String.init) ?? "")”为小写字母，应使用大写字母"
        case .characters:
            "统一社会信用代码“\(value)”第\(position ?? 0)位“\(actual.map(String.init) ?? "")”不是允许的字符（数字或除I、O、S、V、Z以外的大写字母）"
        case .checkDigit:
            "统一社会信用代码“\(value)”校验码错误：第18位应为“\(expected.map(String.init) ?? "")”，实为“\(actual.map(String.init) ?? "")”"
        case .organizationCheck:
            "统一社会信用代码“\(value)”中的组织机构代码（第9–17位）校验错误：第17位应为“\(expected.map(String.init) ?? "")”，"
                + "实为“\(actual.map(String.init) ?? "")”"
        default:
            "统一社会信用代码“\(value)”无效（\(code.rawValue)）"
        }
    }
}
