/// The rule of GB/T 2260 a region code broke.
public struct RegionCodeFailure: StandardRuleFailure {
    /// Stable reason code; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not six characters.
        public static let length = Code(rawValue: "length")
        /// Not all ASCII digits.
        public static let characters = Code(rawValue: "characters")
        /// The first two digits are not a province code.
        public static let province = Code(rawValue: "province")
    }

    public let code: Code
    public let value: String

    public init(code: Code, value: String) {
        self.code = code
        self.value = value
    }

    public var rule: String { "regionCode.\(code.rawValue)" }

    public var message: String {
        switch code {
        case .length: "region code \"\(value)\" has \(value.count) characters; it must have 6 digits"
        case .characters: "region code \"\(value)\" must be 6 digits"
        case .province: "region code \"\(value)\" does not start with a province code (Zhejiang is 33)"
        default: "region code \"\(value)\" is invalid (\(code.rawValue))"
        }
    }

    public var chineseMessage: String {
        switch code {
        case .length: "行政区划代码“\(value)”为\(value.count)位，应为6位数字"
        case .characters: "行政区划代码“\(value)”应为6位数字"
        case .province: "行政区划代码“\(value)”的前两位不是有效的省级代码（浙江省为33）"
        default: "行政区划代码“\(value)”无效（\(code.rawValue)）"
        }
    }
}
