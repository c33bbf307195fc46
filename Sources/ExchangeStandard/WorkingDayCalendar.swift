/// Working days (工作日) of mainland China: Monday–Friday, minus the State Council's public holidays, plus its
/// adjusted working days (调休上班), built from the yearly notices in `Mappings/calendars/*.yaml`.
///
/// Loaded years are the years that have a section (``Year``). A date is *covered* when its year is loaded
/// and, from 25 December on, the following year is loaded too: a notice's 元旦 arrangement can reach back into
/// the previous December (the 2019 notice made 2018-12-29 a working day and 2018-12-30…31 holidays), so until
/// the next notice is loaded those last days of a year are not known. Asking about a date that is not covered
/// is ``CalendarError/yearNotLoaded(_:)`` naming the missing year, never a guess — also for every date a
/// deadline computation steps over. The dates a section lists in the neighbouring year (2018-12-29…31 in
/// 2019's) are kept, but only answer once that year is loaded as well.
public struct WorkingDayCalendar: Hashable, Sendable, Decodable {
    /// One year's notice: its holidays and adjusted working days, each under the festival's name.
    public struct Year: Hashable, Sendable {
        /// The year whose notice this is (the section key).
        public let year: Int
        /// Where the notice (and any amending notice) was published.
        public let notices: [String]
        /// 放假 days.
        public let holidays: [Days]
        /// 调休上班 days: Saturdays and Sundays that are working days.
        public let workdays: [Days]

        public init(year: Int, notices: [String] = [], holidays: [Days], workdays: [Days]) {
            self.year = year
            self.notices = notices
            self.holidays = holidays
            self.workdays = workdays
        }
    }

    /// Days a notice lists under one festival (`{name: 国庆节, dates: [...]}`).
    public struct Days: Hashable, Sendable, Codable {
        public let name: String
        public let dates: [LocalDate]

        public init(name: String, dates: [LocalDate]) {
            self.name = name
            self.dates = dates
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case name, dates }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            dates = try container.decode([LocalDate].self, forKey: .dates)
        }
    }

    /// First day of December from which a date also needs the following year's notice.
    public static let nextNoticeReachesBackFromDecember = 25

    /// The sections, ordered by year.
    public let years: [Year]
    private let loaded: Set<Int>
    private let holidays: Set<LocalDate>
    private let workdays: Set<LocalDate>
    /// Per day from 1 January of the first loaded year to 31 December of the last: whether it is covered and
    /// a working day (``DayKind``), so that counting working days reads one byte per day stepped over.
    private let dayKinds: [UInt8]
    private let firstTableDay: Int

    private enum DayKind {
        static let notCovered: UInt8 = 0
        static let restDay: UInt8 = 1
        static let workingDay: UInt8 = 2
    }

    /// Builds a calendar and checks the data: one section per year, dates within a year of their section, no day
    /// both a holiday and a working day, adjusted working days only on weekends.
    public init(years: [Year]) throws(CalendarError) {
        var loaded: Set<Int> = []
        var holidays: Set<LocalDate> = []
        var workdays: Set<LocalDate> = []
        for section in years {
            guard loaded.insert(section.year).inserted else { throw .duplicateYear(section.year) }
            for date in section.holidays.flatMap(\.dates) + section.workdays.flatMap(\.dates)
            where abs(date.year - section.year) > 1 {
                throw .dateOutsideSection(date, year: section.year)
            }
            for date in section.holidays.flatMap(\.dates) { holidays.insert(date) }
            for date in section.workdays.flatMap(\.dates) {
                guard date.isoWeekday >= 6 else { throw .adjustedWorkdayNotWeekend(date) }
                workdays.insert(date)
            }
        }
        if let conflict = holidays.intersection(workdays).min() { throw .conflictingDay(conflict) }
        self.years = years.sorted { $0.year < $1.year }
        self.loaded = loaded
        self.holidays = holidays
        self.workdays = workdays
        (firstTableDay, dayKinds) = Self.dayTable(
            loaded: loaded, holidays: Set(holidays.map(\.daysSinceEpoch)), workdays: Set(workdays.map(\.daysSinceEpoch)))
    }

    /// The day kinds of every day of the loaded years' span, by the same rules as ``requireCovered(_:)`` and
    /// ``isWorkingDay(_:)``.
    private static func dayTable(loaded: Set<Int>, holidays: Set<Int>, workdays: Set<Int>) -> (first: Int, kinds: [UInt8]) {
        guard let firstYear = loaded.min(), let lastYear = loaded.max(),
            let start = LocalDate(year: firstYear, month: 1, day: 1), let end = LocalDate(year: lastYear, month: 12, day: 31)
        else { return (0, []) }
        let first = start.daysSinceEpoch
        var kinds = [UInt8](repeating: DayKind.notCovered, count: end.daysSinceEpoch - first + 1)
        for offset in kinds.indices {
            let epochDay = first + offset
            let date = LocalDate(daysSinceEpoch: epochDay)
            guard loaded.contains(date.year) else { continue }
            if date.month == 12, date.day >= nextNoticeReachesBackFromDecember, !loaded.contains(date.year + 1) { continue }
            let working = !holidays.contains(epochDay) && (isoWeekday(epochDay) <= 5 || workdays.contains(epochDay))
            kinds[offset] = working ? DayKind.workingDay : DayKind.restDay
        }
        return (first, kinds)
    }

    /// 1970-01-01 was a Thursday: weekdays are Monday (1) to Friday (5) in ISO numbering.
    private static func isoWeekday(_ epochDay: Int) -> Int {
        ((epochDay % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// One calendar from several files' calendars; a year in two of them is ``CalendarError/duplicateYear(_:)``.
    public init(merging calendars: [WorkingDayCalendar]) throws(CalendarError) {
        try self.init(years: calendars.flatMap(\.years))
    }

    /// Decodes the YAML shape `"2024": {notices: [...], holidays: [{name, dates}], workdays: [{name, dates}]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: YearKey.self)
        var years: [Year] = []
        for key in container.allKeys {
            guard let year = Int(key.stringValue), (1...9998).contains(year) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "calendar section \"\(key.stringValue)\" is not a year")
            }
            let section = try container.decode(Section.self, forKey: key)
            years.append(Year(year: year, notices: section.notices ?? [], holidays: section.holidays ?? [], workdays: section.workdays ?? []))
        }
        do {
            try self.init(years: years)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error)
            )
        }
    }

    // MARK: - Queries

    /// The years that have a section, ascending.
    public var loadedYears: [Int] { loaded.sorted() }

    /// Throws ``CalendarError/yearNotLoaded(_:)`` unless the calendar knows whether `date` is a working day.
    public func requireCovered(_ date: LocalDate) throws(CalendarError) {
        guard loaded.contains(date.year) else { throw .yearNotLoaded(date.year) }
        if date.month == 12, date.day >= Self.nextNoticeReachesBackFromDecember, !loaded.contains(date.year + 1) {
            throw .yearNotLoaded(date.year + 1)
        }
    }

    /// Whether `date` is a working day: a listed holiday is not, a listed adjusted working day is, otherwise
    /// Monday to Friday are.
    public func isWorkingDay(_ date: LocalDate) throws(CalendarError) -> Bool {
        try requireCovered(date)
        if holidays.contains(date) { return false }
        if workdays.contains(date) { return true }
        return date.isoWeekday <= 5
    }

    /// The `n`th working day after `date`, which is day 0 and need not be a working day itself (`n` = 0 gives
    /// `date`). Every day counted over must be covered; `date` itself is not consulted.
    public func addingWorkingDays(_ n: Int, to date: LocalDate) throws(CalendarError) -> LocalDate {
        guard n >= 0 else { throw .negativeWorkingDays(n) }
        var epochDay = date.daysSinceEpoch
        var counted = 0
        while counted < n {
            epochDay += 1
            let offset = epochDay - firstTableDay
            let kind = offset >= 0 && offset < dayKinds.count ? dayKinds[offset] : DayKind.notCovered
            if kind == DayKind.notCovered {
                // Names the missing year, as every query does.
                try requireCovered(LocalDate(daysSinceEpoch: epochDay))
            }
            if kind == DayKind.workingDay { counted += 1 }
        }
        return LocalDate(daysSinceEpoch: epochDay)
    }

    // MARK: - Decoding helpers

    private struct YearKey: CodingKey {
        let stringValue: String
        let intValue: Int?
        init(stringValue: String) {
            self.stringValue = stringValue
            intValue = Int(stringValue)
        }
        init(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    private struct Section: Decodable {
        let notices: [String]?
        let holidays: [Days]?
        let workdays: [Days]?

        private enum CodingKeys: String, CodingKey, CaseIterable { case notices, holidays, workdays }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            notices = try container.decodeIfPresent([String].self, forKey: .notices)
            holidays = try container.decodeIfPresent([Days].self, forKey: .holidays)
            workdays = try container.decodeIfPresent([Days].self, forKey: .workdays)
        }
    }
}
