/// The rule of GB 11643 a 身份证 number broke.
///
/// Messages never repeat the number itself (personal data goes to logs and receipts); ``value`` holds it for
/// code that needs it and knows where it may go.
public struct ResidentIDNumberFailure: StandardRuleFailure {
    /// Stable reason code; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not 18 characters.
        public static let length = Code(rawValue: "length")
        /// Not 17 digits followed by a digit or `X`.
        public static let characters = Code(rawValue: "characters")
        /// Characters 7–14 are not a real birth date (or lie in the future).
        public static let birthDate = Code(rawValue: "birthDate")
        /// Character 18 is not the check character of characters 1–17.
        public static let checkDigit = Code(rawValue: "checkDigit")
    }

    public let code: Code
    /// The number as given: personal data, do not log.
    public let value: String
    public let length: Int?
    /// 1-based position of the offending character (7 for the birth date).
    public let position: Int?
    public let expected: Character?
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

    public var rule: String { "idNumber.\(code.rawValue)" }

    public var message: String {
        switch code {
        case .length: "身份证 number has \(length ?? value.count) characters; it must have 18"
        case .characters: "身份证 number has an invalid character at position \(position ?? 0): 17 digits then a digit or X"
        case .birthDate: "身份证 number's characters 7–14 are not a valid birth date"
        case .checkDigit:
            "身份证 number fails the GB 11643 check: character 18 should be '\(expected.map(String.init) ?? "")', "
                + "is '\(actual.map(String.init) ?? "")'"
        default: "身份证 number is invalid (\(code.rawValue))"
        }
    }

    public var chineseMessage: String {
        switch code {
        case .length: "身份证号码为\(length ?? value.count)位，应为18位"
        case .characters: "身份证号码第\(position ?? 0)位字符无效（应为17位数字加1位数字或X）"
        case .birthDate: "身份证号码第7–14位不是有效的出生日期"
        case .checkDigit: "身份证号码校验码错误：第18位应为“\(expected.map(String.init) ?? "")”，实为“\(actual.map(String.init) ?? "")”"
        default: "身份证号码无效（\(code.rawValue)）"
        }
    }
}
