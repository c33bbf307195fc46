import ExchangeStandard
import Store

/// The timeliness figures the console shows: first disclosures per department, domain, item type and month of
/// formation, with how many reached the gateway after their deadline.
///
/// A minimal aggregation of ``GatewayStore/firstVersions(_:)``, kept in this one file: the report aggregation
/// (`Reporting/TimelinessReport.swift`) is being built separately, and when it lands ``rows(store:from:to:sourceSystem:)``
/// becomes a call to it and nothing else in the console changes.
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
    static func rows(store: any GatewayStore, from: LocalDate, to: LocalDate, sourceSystem: String?) async throws -> [Row] {
        let first = LocalDate(year: from.year, month: from.month, day: 1)!
        let last = LocalDate(year: to.year, month: to.month, day: LocalDate.daysInMonth(year: to.year, month: to.month))!
        let versions = try await store.firstVersions(TimelinessQuery(formedOn: first...max(first, last), sourceSystem: sourceSystem))
        var rows: [Row] = []
        var index: [Row: Int] = [:]
        for version in versions {
            let key = Row(
                department: version.responsibleName, departmentUSCC: version.responsibleUSCC, domain: version.domain, itemType: version.itemType,
                month: month(version.formedOn), total: 0, late: 0)
            if let at = index[key] {
                rows[at].total += 1
                rows[at].late += version.late ? 1 : 0
            } else {
                index[key] = rows.count
                var row = key
                row.total = 1
                row.late = version.late ? 1 : 0
                rows.append(row)
            }
        }
        return rows.sorted { ($0.department, $0.domain, $0.itemType, $0.month) < ($1.department, $1.domain, $1.itemType, $1.month) }
    }

    static func month(_ date: LocalDate) -> String {
        String(date.description.prefix(7))
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
