import ExchangeStandard
import Testing

@Suite("Publicity period")
struct PublicityPeriodTests {
    @Test("bounds per severity")
    func bounds() {
        #expect(PublicityPeriod.bounds(severity: .general) == .init(minimumMonths: 3, maximumMonths: 12))
        #expect(PublicityPeriod.bounds(severity: .serious) == .init(minimumMonths: 12, maximumMonths: 36))
    }

    @Test(
        "computed end: decision date + the maximum",
        arguments: [
            ("2024-11-01", CreditSeverity.general, "2025-11-01"),
            ("2024-11-01", .serious, "2027-11-01"),
            ("2024-02-29", .general, "2025-02-28"),  // no 02-29 in 2025: the month's last day, not 03-01
            ("2024-02-29", .serious, "2027-02-28"),
            ("2023-02-28", .general, "2024-02-28"),
            ("2025-02-28", .serious, "2028-02-28"),
            ("2024-12-31", .general, "2025-12-31"),
        ]
    )
    func end(decided: String, severity: CreditSeverity, end: String) {
        #expect(PublicityPeriod.end(decidedOn: LocalDate(decided), severity: severity) == LocalDate(end))
    }

    @Test("a source-given end must lie within [decision + minimum, decision + maximum]")
    func validation() {
        let decided = LocalDate("2024-11-01")
        #expect(PublicityPeriod.validate(end: LocalDate("2025-02-01"), decidedOn: decided, severity: .general) == .valid)
        #expect(PublicityPeriod.validate(end: LocalDate("2025-11-01"), decidedOn: decided, severity: .general) == .valid)
        #expect(PublicityPeriod.validate(end: LocalDate("2025-11-01"), decidedOn: decided, severity: .serious) == .valid)
        #expect(PublicityPeriod.validate(end: LocalDate("2027-11-01"), decidedOn: decided, severity: .serious) == .valid)

        let early = PublicityPeriod.validate(end: LocalDate("2025-01-31"), decidedOn: decided, severity: .general).failure
        #expect(early?.code == .endTooEarly)
        #expect(early?.rule == "publicityPeriod.endTooEarly")
        #expect(early?.allowed == LocalDate("2025-02-01")...LocalDate("2025-11-01"))

        let late = PublicityPeriod.validate(end: LocalDate("2025-11-02"), decidedOn: decided, severity: .general).failure
        #expect(late?.code == .endTooLate)
        #expect(late?.chineseMessage.contains("一般失信") == true)

        #expect(PublicityPeriod.validate(end: LocalDate("2025-10-31"), decidedOn: decided, severity: .serious).failure?.code == .endTooEarly)
        #expect(PublicityPeriod.validate(end: LocalDate("2027-11-02"), decidedOn: decided, severity: .serious).failure?.code == .endTooLate)
    }

    @Test("months count to the month's last day when the day does not exist")
    func monthEnds() {
        #expect(PublicityPeriod.allowedEnds(decidedOn: LocalDate("2023-11-30"), severity: .general).lowerBound == LocalDate("2024-02-29"))
        #expect(LocalDate("2024-02-29").adding(years: 1) == LocalDate("2025-02-28"))
        #expect(LocalDate("2024-02-29").adding(years: 4) == LocalDate("2028-02-29"))
    }
}
