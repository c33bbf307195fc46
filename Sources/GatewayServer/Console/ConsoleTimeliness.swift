import ExchangeStandard
import Store

/// The timeliness figures the console shows: first disclosures per department, domain, item type and month of
/// formation, with how many reached the gateway after their deadline — the same ``TimelinessReport`` the API
/// and the `report` command give, shaped for the console's tables and charts.
enum ConsoleTimeliness {
    struct Row: Hashable, Sendable {
        /// The responsible body (责任主体): the department the assessment counts against.
        var department: String
        var departmentUSCC: String?
        var domain: String
        var itemType: String
        /// `YYYY-MM` of `formedOn`.
        var month: String
        var total: Int
        var late: Int

        var onTime: Int { total - late }
    }

    /// Rows for first versions formed from the first day of `from`'s month to the last day of `to`'s month,
    /// ordered by department, domain, item type and month.
    static func rows(
        store: any GatewayStore, from: LocalDate, to: LocalDate, sourceSystem: String?, calendar: WorkingDayCalendar
    ) async throws -> [Row] {
        let first = LocalDate(year: from.year, month: from.month, day: 1)!
        let last = max(first, LocalDate(year: to.year, month: to.month, day: LocalDate.daysInMonth(year: to.year, month: to.month))!)
        let versions = try await store.firstVersions(TimelinessQuery(formedOn: first...last, sourceSystem: sourceSystem))
        let report = TimelinessReport(rows: versions, from: first, to: last, groupBy: [.department, .domain, .itemType, .month], calendar: calendar)
        return report.groups.map { group in
            Row(
                department: group.department ?? "", departmentUSCC: group.departmentUSCC, domain: group.domain ?? "",
                itemType: group.itemType ?? "", month: group.month ?? "", total: group.records, late: group.late)
        }.sorted { ($0.department, $0.domain, $0.itemType, $0.month) < ($1.department, $1.domain, $1.itemType, $1.month) }
    }

    static func month(_ date: LocalDate) -> String {
        TimelinessReport.month(date)
    }

    /// Every `YYYY-MM` from `from`'s month to `to`'s, for chart axes that show empty months too.
    static func months(from: LocalDate, to: LocalDate) -> [String] {
        var months: [String] = []
        var cursor = LocalDate(year: from.year, month: from.month, day: 1)!
        while cursor <= to, months.count < 120 {
            months.append(month(cursor))
            cursor = cursor.adding(months: 1)
        }
        return months
    }
}
