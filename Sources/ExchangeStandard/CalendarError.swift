/// A working-day question the loaded calendar cannot answer, or calendar data that contradicts itself.
public enum CalendarError: StandardRuleFailure {
    /// The calendar has no section for this year, and the answer depends on it. The operator loads the State
    /// Council's notice for the year into `Mappings/calendars/`.
    case yearNotLoaded(Int)
    /// A negative working-day count.
    case negativeWorkingDays(Int)
    /// Two sections for the same year.
    case duplicateYear(Int)
    /// A date more than a year away from the section that lists it (a typo such as 2042 for 2024).
    case dateOutsideSection(LocalDate, year: Int)
    /// A day listed both as a holiday and as an adjusted working day.
    case conflictingDay(LocalDate)
    /// An adjusted working day on a Monday–Friday, which is a working day anyway: a typo.
    case adjustedWorkdayNotWeekend(LocalDate)

    public var rule: String {
        switch self {
        case .yearNotLoaded: "calendar.yearNotLoaded"
        case .negativeWorkingDays: "calendar.negativeWorkingDays"
        case .duplicateYear: "calendar.duplicateYear"
        case .dateOutsideSection: "calendar.dateOutsideSection"
        case .conflictingDay: "calendar.conflictingDay"
        case .adjustedWorkdayNotWeekend: "calendar.adjustedWorkdayNotWeekend"
        }
    }

    public var message: String {
        switch self {
        case .yearNotLoaded(let year):
            "the working-day calendar has no section for \(year): load the State Council's holiday notice for \(year)"
        case .negativeWorkingDays(let n): "cannot add \(n) working days: the count must not be negative"
        case .duplicateYear(let year): "the working-day calendar has two sections for \(year)"
        case .dateOutsideSection(let date, let year): "date \(date) is listed in the section for \(year), more than a year away"
        case .conflictingDay(let date): "\(date) is listed both as a holiday and as an adjusted working day"
        case .adjustedWorkdayNotWeekend(let date): "adjusted working day \(date) is not a Saturday or Sunday"
        }
    }

    public var chineseMessage: String {
        switch self {
        case .yearNotLoaded(let year): "工作日日历缺少\(year)年的节假日安排，无法计算公开时限，请加载国务院办公厅\(year)年部分节假日安排的通知"
        case .negativeWorkingDays(let n): "工作日数\(n)不能为负数"
        case .duplicateYear(let year): "工作日日历中\(year)年的安排重复"
        case .dateOutsideSection(let date, let year): "日期\(date)列在\(year)年的安排中，但相差超过一年"
        case .conflictingDay(let date): "\(date)同时列为放假日和调休上班日"
        case .adjustedWorkdayNotWeekend(let date): "调休上班日\(date)不是周六或周日"
        }
    }
}
