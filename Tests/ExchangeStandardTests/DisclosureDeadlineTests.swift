import ExchangeStandard
import Foundation
import Testing

@Suite("Disclosure deadlines")
struct DisclosureDeadlineTests {
    @Test("catalog + calendar give the samples README's deadlines and lateness")
    func samples() throws {
        let catalog = try RepositoryFiles.catalog()
        let calendar = try RepositoryFiles.calendar()

        // hz-housing FP-2024-0381: HOUSING.ALLOC_RESULT, formed 2024-09-20, due 2024-10-23, received 2024-10-08: not late.
        let housing = try DisclosureDeadline(
            formedOn: LocalDate("2024-09-20"), workingDays: catalog.deadlineWorkingDays(itemType: "HOUSING.ALLOC_RESULT"),
            calendar: calendar)
        #expect(housing.dueOn == LocalDate("2024-10-23"))
        #expect(!housing.isLate(receivedOn: LocalDate("2024-10-08"), publishedOn: nil))

        // zj-mining MR-2024-0077: a licensing decision, due 7 working days after 2024-11-01.
        let mining = try DisclosureDeadline(
            formedOn: LocalDate("2024-11-01"),
            workingDays: catalog.deadlineWorkingDays(itemType: "MINING.APPROVAL_RESULT", decision: .licensing), calendar: calendar)
        #expect(mining.dueOn == LocalDate("2024-11-12"))

        // nb-gpp NBCG-2024-09001-GK: formed 2024-10-08, due 2024-11-04, published 2024-11-19: late.
        let procurement = try DisclosureDeadline(formedOn: LocalDate("2024-10-08"), workingDays: 20, calendar: calendar)
        #expect(procurement.dueOn == LocalDate("2024-11-04"))
        #expect(procurement.isLate(receivedOn: LocalDate("2024-11-20"), publishedOn: LocalDate("2024-11-19")))

        // wz-bidding JG-2024-0655-001: formed 2024-09-26, due 2024-10-29, published 2024-10-30: late.
        let bidding = try DisclosureDeadline(formedOn: LocalDate("2024-09-26"), workingDays: 20, calendar: calendar)
        #expect(bidding.dueOn == LocalDate("2024-10-29"))
        #expect(bidding.isLate(receivedOn: LocalDate("2024-11-25"), publishedOn: LocalDate("2024-10-30")))
    }

    @Test("late: the stated publication day if any, else the day it reached the gateway, after the due day")
    func lateness() {
        let due = LocalDate("2024-10-29")
        #expect(!DisclosureDeadline.isLate(dueOn: due, receivedOn: LocalDate("2024-10-29"), publishedOn: nil))
        #expect(DisclosureDeadline.isLate(dueOn: due, receivedOn: LocalDate("2024-10-30"), publishedOn: nil))
        // Published on time, forwarded later: on time.
        #expect(!DisclosureDeadline.isLate(dueOn: due, receivedOn: LocalDate("2024-11-25"), publishedOn: LocalDate("2024-10-29")))
        // Published late, forwarded the same day: late.
        #expect(DisclosureDeadline.isLate(dueOn: due, receivedOn: LocalDate("2024-10-30"), publishedOn: LocalDate("2024-10-30")))
    }

    @Test("the receipt day is the China Standard Time date of the instant")
    func receiptDay() {
        // 2024-10-29T16:30:00Z is 2024-10-30 00:30 in Beijing.
        let instant = Date(timeIntervalSince1970: 1_730_219_400)
        #expect(LocalDate(instant) == LocalDate("2024-10-30"))
        #expect(LocalDate(instant, utcOffsetSeconds: 0) == LocalDate("2024-10-29"))
        #expect(LocalDate(Date(timeIntervalSince1970: -1)) == LocalDate("1970-01-01"))
        #expect(LocalDate(Date(timeIntervalSince1970: -1), utcOffsetSeconds: 0) == LocalDate("1969-12-31"))
    }

    @Test("a deadline across an unloaded year is an error")
    func unloaded() throws {
        let calendar = try RepositoryFiles.calendar()
        #expect(throws: CalendarError.yearNotLoaded(2027)) {
            try DisclosureDeadline(formedOn: LocalDate("2026-12-20"), workingDays: 20, calendar: calendar)
        }
    }
}
