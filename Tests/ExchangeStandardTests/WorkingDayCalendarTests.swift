import ExchangeStandard
import Foundation
import Testing
import Yams

@Suite("Working-day calendar")
struct WorkingDayCalendarTests {
    let calendar: WorkingDayCalendar

    init() throws {
        calendar = try RepositoryFiles.calendar()
    }

    @Test("the shipped calendar loads 2019–2026")
    func loadedYears() {
        #expect(calendar.loadedYears == Array(2019...2026))
    }

    @Test(
        "every deadline in the samples README comes out of the shipped calendar",
        arguments: [
            ("2024-09-20", 20, "2024-10-23"),  // hz-housing FP-2024-0381: National Day and the 09-29 adjusted working day
            ("2024-11-01", 7, "2024-11-12"),  // zj-mining MR-2024-0077, a licensing decision
            ("2024-10-08", 20, "2024-11-04"),  // nb-gpp NBCG-2024-09001-GK
            ("2024-09-26", 20, "2024-10-29"),  // wz-bidding JG-2024-0655-001
        ]
    )
    func sampleDeadlines(formed: String, workingDays: Int, due: String) throws {
        #expect(try calendar.addingWorkingDays(workingDays, to: LocalDate(formed)) == LocalDate(due))
        #expect(
            try DisclosureDeadline.computeDeadline(formedOn: LocalDate(formed), workingDays: workingDays, calendar: calendar)
                == LocalDate(due)
        )
    }

    @Test("weekends, holidays and adjusted working days")
    func days() throws {
        #expect(try calendar.isWorkingDay(LocalDate("2024-09-29")))  // Sunday, adjusted working day (国庆节)
        #expect(try calendar.isWorkingDay(LocalDate("2024-10-12")))  // Saturday, adjusted working day
        #expect(try calendar.isWorkingDay(LocalDate("2024-09-14")))  // Saturday, adjusted working day (中秋节)
        #expect(try !calendar.isWorkingDay(LocalDate("2024-10-01")))  // National Day
        #expect(try !calendar.isWorkingDay(LocalDate("2024-10-07")))  // Monday, holiday
        #expect(try !calendar.isWorkingDay(LocalDate("2024-09-16")))  // Monday, 中秋节
        #expect(try !calendar.isWorkingDay(LocalDate("2024-10-19")))  // ordinary Saturday
        #expect(try !calendar.isWorkingDay(LocalDate("2024-10-20")))  // ordinary Sunday
        #expect(try calendar.isWorkingDay(LocalDate("2024-10-08")))  // ordinary Tuesday
        #expect(try calendar.isWorkingDay(LocalDate("2019-05-05")))  // Sunday, adjusted working day
        #expect(try !calendar.isWorkingDay(LocalDate("2020-01-31")))  // 春节 extension of the second 2020 notice
        #expect(try !calendar.isWorkingDay(LocalDate("2026-02-23")))  // Monday, 春节 2026
        #expect(try calendar.isWorkingDay(LocalDate("2026-02-28")))  // Saturday, adjusted working day
    }

    @Test("counting: day 0 is the formation day, which need not be a working day")
    func counting() throws {
        // Formed on a Saturday: the first working day after it is Monday.
        #expect(try calendar.addingWorkingDays(1, to: LocalDate("2024-10-19")) == LocalDate("2024-10-21"))
        #expect(try calendar.addingWorkingDays(0, to: LocalDate("2024-10-19")) == LocalDate("2024-10-19"))
        // Formed on the last working day before National Day: 1 working day later is 10-08.
        #expect(try calendar.addingWorkingDays(1, to: LocalDate("2024-09-30")) == LocalDate("2024-10-08"))
        // The Saturday 09-14 adjusted working day counts.
        #expect(try calendar.addingWorkingDays(1, to: LocalDate("2024-09-13")) == LocalDate("2024-09-14"))
        #expect(throws: CalendarError.negativeWorkingDays(-1)) { try calendar.addingWorkingDays(-1, to: LocalDate("2024-10-19")) }
    }

    @Test("a date outside the loaded years is an error, never a guess")
    func yearNotLoaded() throws {
        #expect(throws: CalendarError.yearNotLoaded(2027)) { try calendar.isWorkingDay(LocalDate("2027-01-04")) }
        #expect(throws: CalendarError.yearNotLoaded(2018)) { try calendar.isWorkingDay(LocalDate("2018-06-01")) }
        // Listed in the 2019 section, but 2018 itself is not loaded.
        #expect(throws: CalendarError.yearNotLoaded(2018)) { try calendar.isWorkingDay(LocalDate("2018-12-31")) }
        #expect(throws: CalendarError.yearNotLoaded(2018)) { try calendar.isWorkingDay(LocalDate("2018-12-29")) }
        // A computation that steps into an unloaded year.
        #expect(throws: CalendarError.yearNotLoaded(2027)) { try calendar.addingWorkingDays(20, to: LocalDate("2026-12-10")) }
        // Late December needs the next year's notice, whose 元旦 arrangement can reach back.
        #expect(throws: CalendarError.yearNotLoaded(2027)) { try calendar.isWorkingDay(LocalDate("2026-12-25")) }
        #expect(try calendar.isWorkingDay(LocalDate("2026-12-24")))
        #expect(throws: CalendarError.yearNotLoaded(2027)) { try calendar.addingWorkingDays(7, to: LocalDate("2026-12-16")) }
        #expect(try calendar.addingWorkingDays(6, to: LocalDate("2026-12-16")) == LocalDate("2026-12-24"))
        // Counting forward from a day of an unloaded year touches only loaded days.
        #expect(try calendar.addingWorkingDays(1, to: LocalDate("2018-12-31")) == LocalDate("2019-01-02"))
        #expect(throws: CalendarError.yearNotLoaded(2018)) { try calendar.addingWorkingDays(5, to: LocalDate("2018-12-20")) }
        let error = CalendarError.yearNotLoaded(2027)
        #expect(error.rule == "calendar.yearNotLoaded")
        #expect(error.chineseMessage.contains("2027"))
    }

    @Test("days listed under a neighbouring year answer once that year is loaded")
    func neighbouringYear() throws {
        let years = [
            WorkingDayCalendar.Year(
                year: 2018, holidays: [.init(name: "国庆节", dates: [LocalDate("2018-10-01")])], workdays: []),
            WorkingDayCalendar.Year(
                year: 2019, holidays: [.init(name: "元旦", dates: [LocalDate("2018-12-30"), LocalDate("2018-12-31"), LocalDate("2019-01-01")])],
                workdays: [.init(name: "元旦", dates: [LocalDate("2018-12-29")])]),
        ]
        let calendar = try WorkingDayCalendar(years: years)
        #expect(try calendar.isWorkingDay(LocalDate("2018-12-29")))
        #expect(try !calendar.isWorkingDay(LocalDate("2018-12-31")))
        #expect(try calendar.addingWorkingDays(2, to: LocalDate("2018-12-27")) == LocalDate("2018-12-29"))
        #expect(try calendar.addingWorkingDays(3, to: LocalDate("2018-12-27")) == LocalDate("2019-01-02"))
    }

    @Test("contradictory calendar data is rejected")
    func invalidData() throws {
        func year(_ year: Int, holidays: [String] = [], workdays: [String] = []) -> WorkingDayCalendar.Year {
            .init(
                year: year, holidays: [.init(name: "h", dates: holidays.map { LocalDate($0) })],
                workdays: [.init(name: "w", dates: workdays.map { LocalDate($0) })])
        }
        #expect(throws: CalendarError.duplicateYear(2024)) { try WorkingDayCalendar(years: [year(2024), year(2024)]) }
        #expect(throws: CalendarError.conflictingDay(LocalDate("2024-09-29"))) {
            try WorkingDayCalendar(years: [year(2024, holidays: ["2024-09-29"], workdays: ["2024-09-29"])])
        }
        #expect(throws: CalendarError.adjustedWorkdayNotWeekend(LocalDate("2024-09-30"))) {
            try WorkingDayCalendar(years: [year(2024, workdays: ["2024-09-30"])])
        }
        #expect(throws: CalendarError.dateOutsideSection(LocalDate("2042-10-01"), year: 2024)) {
            try WorkingDayCalendar(years: [year(2024, holidays: ["2042-10-01"])])
        }
        let shipped = try RepositoryFiles.calendar()
        #expect(throws: CalendarError.duplicateYear(2019)) { try WorkingDayCalendar(merging: [shipped, shipped]) }
    }

    /// The counting rule spelled out with ``WorkingDayCalendar/isWorkingDay(_:)``, day by day: what the calendar's
    /// per-day table must agree with, answers and errors alike.
    private static func countedDayByDay(_ n: Int, from date: LocalDate, in calendar: WorkingDayCalendar) throws(CalendarError) -> LocalDate {
        var day = date
        var counted = 0
        while counted < n {
            day = day.adding(days: 1)
            if try calendar.isWorkingDay(day) { counted += 1 }
        }
        return day
    }

    @Test(
        "counting from any day of the loaded years agrees with a day-by-day count, errors included",
        arguments: [
            // The shipped years; then 2019 and 2021 without 2020 between them, a gap inside the counted span.
            [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026], [2019, 2021],
        ]
    )
    func countingAgreesWithDayByDay(years: [Int]) throws {
        let shipped = try RepositoryFiles.calendar()
        let calendar = try WorkingDayCalendar(years: shipped.years.filter { years.contains($0.year) })
        let first = LocalDate(year: years.min()! - 1, month: 12, day: 1)!.daysSinceEpoch
        let last = LocalDate(year: years.max()!, month: 12, day: 31)!.daysSinceEpoch
        var compared = 0
        for epochDay in first...last {
            let start = LocalDate(daysSinceEpoch: epochDay)
            for n in [0, 1, 7, 20] {
                let expected = Result { () throws(CalendarError) in try Self.countedDayByDay(n, from: start, in: calendar) }
                let actual = Result { () throws(CalendarError) in try calendar.addingWorkingDays(n, to: start) }
                #expect(actual == expected, "\(n) working days after \(start)")
                compared += 1
            }
        }
        #expect(compared > 4 * 365 * years.count)
    }

    @Test("YAML with an unknown key, a non-year section or an unquoted-looking problem fails to decode")
    func invalidYAML() {
        #expect(throws: DecodingError.self) {
            try YAMLDecoder().decode(WorkingDayCalendar.self, from: #""2024": {holiday: [{name: "x", dates: ["2024-10-01"]}]}"#)
        }
        #expect(throws: DecodingError.self) {
            try YAMLDecoder().decode(WorkingDayCalendar.self, from: #""next": {holidays: []}"#)
        }
        #expect(throws: DecodingError.self) {
            try YAMLDecoder().decode(WorkingDayCalendar.self, from: #""2024": {holidays: [{name: "x", dates: ["2024-10-32"]}]}"#)
        }
    }
}
