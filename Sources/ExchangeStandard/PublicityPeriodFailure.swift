/// A source-given 公示截止期 (`CF_GSJZQ`) outside the period the standard allows for the record's severity.
public struct PublicityPeriodFailure: StandardRuleFailure {
    /// Stable reason code; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Before `CF_JDRQ` + the minimum (3 months general, 1 year serious).
        public static let endTooEarly = Code(rawValue: "endTooEarly")
        /// After `CF_JDRQ` + the maximum (1 year general, 3 years serious).
        public static let endTooLate = Code(rawValue: "endTooLate")
    }

    public let code: Code
    /// The `CF_GSJZQ` the source gave.
    public let end: LocalDate
    /// `CF_JDRQ`.
    public let decidedOn: LocalDate
    public let severity: CreditSeverity
    /// The ends the standard allows.
    public let allowed: ClosedRange<LocalDate>

    public init(code: Code, end: LocalDate, decidedOn: LocalDate, severity: CreditSeverity, allowed: ClosedRange<LocalDate>) {
        self.code = code
        self.end = end
        self.decidedOn = decidedOn
        self.severity = severity
        self.allowed = allowed
    }

    public var rule: String { "publicityPeriod.\(code.rawValue)" }

    private var severityChinese: String { severity == .serious ? "严重失信" : "一般失信" }

    public var message: String {
        let position = code == .endTooEarly ? "before" : "after"
        return "publicity end CF_GSJZQ \(end) is \(position) the period allowed for a \(severity.rawValue) record decided on "
            + "\(decidedOn): \(allowed.lowerBound) to \(allowed.upperBound)"
    }

    public var chineseMessage: String {
        let position = code == .endTooEarly ? "早于" : "晚于"
        return "公示截止期\(end)\(position)\(severityChinese)记录允许的范围（处罚决定日期\(decidedOn)起，"
            + "\(allowed.lowerBound)至\(allowed.upperBound)）"
    }
}
