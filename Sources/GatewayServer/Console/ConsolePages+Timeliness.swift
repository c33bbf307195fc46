import ExchangeStandard
import Foundation
import Hummingbird
import Mapping
import Store

extension GatewayApplication {
    /// `GET /console/timeliness?from=YYYY-MM&to=YYYY-MM&source=`: per department, a chart of on-time and late first
    /// disclosures by month and the table by domain, item type and month. Defaults to the last twelve months.
    func timelinessPage(_ visit: ConsoleVisit) async throws -> Response {
        let today = ConsoleFormat.today()
        func month(_ key: String) -> LocalDate? {
            visit.parameter(key).flatMap { LocalDate(iso: $0.count == 7 ? "\($0)-01" : $0) }
        }
        let to = month("to") ?? today
        let from = min(month("from") ?? to.adding(months: -11), to)
        let source = visit.parameter("source")
        let rows = try await ConsoleTimeliness.rows(
            store: store, from: from, to: to, sourceSystem: source, calendar: mappings.current.standard.calendar)
        let months = ConsoleTimeliness.months(from: from, to: to)

        // A department is its name and 统一社会信用代码: two bodies with one name stay apart.
        struct Department: Hashable, Comparable {
            var name: String
            var uscc: String?
            static func < (left: Department, right: Department) -> Bool { (left.name, left.uscc ?? "") < (right.name, right.uscc ?? "") }
        }
        var departments: [Department: [ConsoleTimeliness.Row]] = [:]
        for row in rows { departments[Department(name: row.department, uscc: row.departmentUSCC), default: []].append(row) }
        let catalog = mappings.current.standard.catalog
        let domainNames = Dictionary(catalog.domains.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let itemTypeNames = Dictionary(catalog.itemTypes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        func named(_ code: String, _ names: [String: String]) -> HTML {
            guard let name = names[code] else { return "<code>\(code)</code>" }
            return "\(name) <code class=\"muted\">\(code)</code>"
        }
        let series = [
            SVGBarChart.Series(name: visit.t("按时", "on time"), colour: "#3a8f5c"),
            SVGBarChart.Series(name: visit.t("逾期", "late"), colour: "#c0392b"),
        ]
        let summaryRows: [HTML] = departments.keys.sorted().map { department in
            let items = departments[department]!
            let total = items.map(\.total).reduce(0, +)
            let late = items.map(\.late).reduce(0, +)
            return
                "<tr data-department=\"\(department.name)\"><td>\(department.name)</td><td class=\"n total\">\(total)</td><td class=\"n late\">\(late)</td><td class=\"n\">\(Self.percent(late, of: total))</td></tr>"
        }
        let sections: [HTML] = departments.keys.sorted().enumerated().map { index, department in
            let items = departments[department]!
            let bars = months.map { month in
                let inMonth = items.filter { $0.month == month }
                return SVGBarChart.Bar(label: month, values: [inMonth.map(\.onTime).reduce(0, +), inMonth.map(\.late).reduce(0, +)])
            }
            let tableRows: [HTML] = items.map { row in
                """
                <tr><td>\(named(row.domain, domainNames))</td><td>\(named(row.itemType, itemTypeNames))</td><td>\(row.month)</td><td class="n">\(row.total)</td>\
                <td class="n">\(row.onTime)</td><td class="n">\(row.late)</td><td class="n">\(Self.percent(row.late, of: row.total))</td></tr>
                """
            }
            return """
                <section class="department">
                <h2>\(department.name) <span class="muted mono">\(department.uscc ?? "")</span></h2>
                \(SVGBarChart.render(bars, series: series, title: "\(department.name) \(visit.t("按月首次公开", "first disclosures by month"))", id: "chart-\(index)"))
                <table><tr><th>\(visit.t("领域", "Domain"))</th><th>\(visit.t("事项类型", "Item type"))</th><th>\(visit.t("形成月份", "Month formed"))</th>\
                <th class="n">\(visit.t("首次公开", "First disclosures"))</th><th class="n">\(visit.t("按时", "On time"))</th>\
                <th class="n">\(visit.t("逾期", "Late"))</th><th class="n">\(visit.t("逾期率", "Late share"))</th></tr>\(tableRows)</table>
                </section>
                """
        }
        let sources = Set(configuration.sources.map(\.id)).union(mappings.current.mappings.keys).sorted()
        let options: [HTML] = sources.map { "<option value=\"\($0)\"\(HTML(unsafeMarkup: $0 == source ? " selected" : ""))>\($0)</option>" }
        let content: HTML = """
            <form method="get" action="/console/timeliness" class="filters">
            <label>\(visit.t("形成月份自", "Formed from")) <input type="month" name="from" value="\(ConsoleTimeliness.month(from))"></label>
            <label>\(visit.t("至", "to")) <input type="month" name="to" value="\(ConsoleTimeliness.month(to))"></label>
            <label>\(visit.t("来源系统", "Source")) <select name="source"><option value="">\(visit.t("全部", "all"))</option>\(options)</select></label>
            <button type="submit">\(visit.t("查看", "Show"))</button></form>
            <p class="muted">\(visit.t("统计各记录的首次公开（版本 1）：到达网关（或来源写明的公开日期）晚于法定期限即为逾期。", "Counts each record's first disclosure (version 1): late when it reached the gateway (or its stated publication day) after the legal deadline."))</p>
            <table id="timeliness-summary"><tr><th>\(visit.t("责任主体", "Department"))</th><th class="n">\(visit.t("首次公开", "First disclosures"))</th>\
            <th class="n">\(visit.t("逾期", "Late"))</th><th class="n">\(visit.t("逾期率", "Late share"))</th></tr>\(summaryRows)</table>
            \(rows.isEmpty ? "<p class=\"muted\">\(visit.t("此期间没有首次公开的记录。", "No first disclosures in this period."))</p>" as HTML : .empty)
            \(sections)
            """
        return ConsoleResponse.html(
            ConsoleLayout.page(visit.t("公开及时性", "Disclosure timeliness"), section: .timeliness, visit: visit, content: content))
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }
}
