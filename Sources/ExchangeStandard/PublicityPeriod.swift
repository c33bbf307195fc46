/// 公示期 of a credit record, counted from its decision date `CF_JDRQ` (`spec/credit-record.md`):
/// `general` (一般失信) at least 3 months and at most 1 year, `serious` (严重失信) at least 1 year and at most
/// 3 years.
///
/// Months and years are calendar months and years, counted as Chinese law counts them (民法典 第二百零二条): the
/// period ends on the same day of the final month, or on that month's last day when the day does not exist.
/// So a decision of 2024-02-29 has a general publicity end of 2025-02-28 (not 03-01), and 2023-11-30 + 3
/// months is 2024-02-29.
public enum PublicityPeriod {
    /// Shortest and longest publicity for a severity, in months.
    public struct Bounds: Hashable, Sendable {
        public let minimumMonths: Int
        public let maximumMonths: Int

        public init(minimumMonths: Int, maximumMonths: Int) {
            self.minimumMonths = minimumMonths
            self.maximumMonths = maximumMonths
        }
    }

    /// general: 3…12 months; serious: 12…36 months.
    public static func bounds(severity: CreditSeverity) -> Bounds {
        switch severity {
        case .general: Bounds(minimumMonths: 3, maximumMonths: 12)
        case .serious: Bounds(minimumMonths: 12, maximumMonths: 36)
        }
    }

    /// The `CF_GSJZQ` the gateway computes when the source gives none: the decision date plus the maximum for
    /// the severity (2024-02-29, general → 2025-02-28; serious → 2027-02-28).
    public static func end(decidedOn: LocalDate, severity: CreditSeverity) -> LocalDate {
        decidedOn.adding(months: bounds(severity: severity).maximumMonths)
    }

    /// The earliest and latest publicity end the standard allows for a decision date and severity.
    public static func allowedEnds(decidedOn: LocalDate, severity: CreditSeverity) -> ClosedRange<LocalDate> {
        let bounds = bounds(severity: severity)
        return decidedOn.adding(months: bounds.minimumMonths)...decidedOn.adding(months: bounds.maximumMonths)
    }

    /// Checks a source-given `CF_GSJZQ` against [`CF_JDRQ` + minimum, `CF_JDRQ` + maximum], both ends included.
    public static func validate(end: LocalDate, decidedOn: LocalDate, severity: CreditSeverity) -> PublicityPeriodCheckResult {
        let allowed = allowedEnds(decidedOn: decidedOn, severity: severity)
        if end < allowed.lowerBound {
            return .invalid(PublicityPeriodFailure(code: .endTooEarly, end: end, decidedOn: decidedOn, severity: severity, allowed: allowed))
        }
        if end > allowed.upperBound {
            return .invalid(PublicityPeriodFailure(code: .endTooLate, end: end, decidedOn: decidedOn, severity: severity, allowed: allowed))
        }
        return .valid
    }
}

/// Outcome of ``PublicityPeriod/validate(end:decidedOn:severity:)``.
public typealias PublicityPeriodCheckResult = StandardCheckResult<PublicityPeriodFailure>
