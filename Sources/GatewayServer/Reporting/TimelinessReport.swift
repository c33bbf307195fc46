import ExchangeStandard
import Foundation
import Store

/// How promptly departments disclose (政务公开绩效考核): records, on time, late, on-time rate and delays in
/// working days, grouped as asked.
///
/// Counted on each record's first version (its original disclosure: a later correction does not make a late
/// record timely, nor an early one late). A record is late when its reference day (publication day where the
/// source gives one, otherwise the day it reached the gateway) is after its due day; its delay is the number
/// of working days after the due day up to the reference day. Median and worst delay are over the late records.
public struct TimelinessReport: Sendable {
    public enum Dimension: String, Sendable, CaseIterable, Codable {
        case department
        case domain
        case itemType
        case month
    }

    public struct Group: Sendable, Hashable, Codable {
        public var department: String?
        public var departmentUSCC: String?
        public var domain: String?
        public var itemType: String?
        /// `YYYY-MM` of the formation day.
        public var month: String?
        public var records: Int
        public var onTime: Int
        public var late: Int
        /// On-time share, 0…1, rounded to 4 decimals.
        public var onTimeRate: Double
        public var medianDelayWorkingDays: Double?
        public var worstDelayWorkingDays: Int?
    }

    public struct LateRecord: Sendable, Hashable, Codable {
        public var recordId: String
        public var sourceSystem: String
        public var department: String
        public var domain: String
        public var itemType: String
        public var formedOn: LocalDate
        public var dueOn: LocalDate
        /// The day that made it late: publication, or arrival at the gateway.
        public var disclosedOn: LocalDate
        public var delayWorkingDays: Int?
    }

    public var from: LocalDate
    public var to: LocalDate
    public var groupBy: [Dimension]
    public var groups: [Group]
    public var lateRecords: [LateRecord]

    /// Builds the report from the store's first-version rows; `calendar` counts the delays.
    public init(rows: [TimelinessRow], from: LocalDate, to: LocalDate, groupBy: [Dimension], calendar: WorkingDayCalendar) {
        self.from = from
        self.to = to
        self.groupBy = groupBy
        var buckets: [[String?]: [TimelinessRow]] = [:]
        var order: [[String?]] = []
        for row in rows where row.formedOn >= from && row.formedOn <= to {
            let key = groupBy.map { Self.value(of: $0, in: row) }
            if buckets[key] == nil { order.append(key) }
            buckets[key, default: []].append(row)
        }
        var late: [LateRecord] = []
        var groups: [Group] = []
        for key in order.sorted(by: { $0.map { $0 ?? "" }.lexicographicallyPrecedes($1.map { $0 ?? "" }) }) {
            let members = buckets[key]!
            var delays: [Int] = []
            for row in members where row.late {
                let disclosedOn = row.publishedOn ?? row.receivedOn
                let delay = Self.workingDays(after: row.dueOn, through: disclosedOn, calendar: calendar)
                if let delay { delays.append(delay) }
                late.append(
                    LateRecord(
                        recordId: row.recordId, sourceSystem: row.sourceSystem, department: row.responsibleName, domain: row.domain,
                        itemType: row.itemType, formedOn: row.formedOn, dueOn: row.dueOn, disclosedOn: disclosedOn, delayWorkingDays: delay))
            }
            let lateCount = members.filter(\.late).count
            let first = members[0]
            groups.append(
                Group(
                    department: groupBy.contains(.department) ? first.responsibleName : nil,
                    departmentUSCC: groupBy.contains(.department) ? first.responsibleUSCC : nil,
                    domain: groupBy.contains(.domain) ? first.domain : nil, itemType: groupBy.contains(.itemType) ? first.itemType : nil,
                    month: groupBy.contains(.month) ? Self.month(first.formedOn) : nil, records: members.count, onTime: members.count - lateCount,
                    late: lateCount, onTimeRate: (Double(members.count - lateCount) / Double(members.count) * 10_000).rounded() / 10_000,
                    medianDelayWorkingDays: Self.median(delays), worstDelayWorkingDays: delays.max()))
        }
        self.groups = groups
        self.lateRecords = late.sorted { ($0.dueOn, $0.recordId) < ($1.dueOn, $1.recordId) }
    }

    static func value(of dimension: Dimension, in row: TimelinessRow) -> String? {
        switch dimension {
        case .department: row.responsibleUSCC ?? row.responsibleName
        case .domain: row.domain
        case .itemType: row.itemType
        case .month: month(row.formedOn)
        }
    }

    static func month(_ date: LocalDate) -> String {
        String(date.description.prefix(7))
    }

    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Working days d with `due < d ≤ through`; nil when the calendar does not cover the span.
    static func workingDays(after due: LocalDate, through: LocalDate, calendar: WorkingDayCalendar) -> Int? {
        var count = 0
        var day = due.adding(days: 1)
        while day <= through {
            guard let working = try? calendar.isWorkingDay(day) else { return nil }
            if working { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}

// MARK: - Rendering

extension TimelinessReport {
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        struct Document: Encodable {
            var from: LocalDate
            var to: LocalDate
            var groupBy: [Dimension]
            var groups: [Group]
            var lateRecords: [LateRecord]
        }
        return (try? encoder.encode(Document(from: from, to: to, groupBy: groupBy, groups: groups, lateRecords: lateRecords))) ?? Data()
    }

    /// One row per group; CSV as RFC 4180 (fields with commas, quotes or line breaks quoted), UTF-8 with a BOM so
    /// that the spreadsheet programs department staff open it with read the Chinese names correctly.
    public var csv: String {
        let header =
            groupBy.flatMap { $0 == .department ? ["department", "departmentUSCC"] : [$0.rawValue] }
            + ["records", "onTime", "late", "onTimeRate", "medianDelayWorkingDays", "worstDelayWorkingDays"]
        var lines = [header.joined(separator: ",")]
        for group in groups {
            var fields: [String] = []
            for dimension in groupBy {
                switch dimension {
                case .department: fields += [group.department ?? "", group.departmentUSCC ?? ""]
                case .domain: fields.append(group.domain ?? "")
                case .itemType: fields.append(group.itemType ?? "")
                case .month: fields.append(group.month ?? "")
                }
            }
            fields += [
                String(group.records), String(group.onTime), String(group.late), String(group.onTimeRate),
                group.medianDelayWorkingDays.map { String($0) } ?? "", group.worstDelayWorkingDays.map(String.init) ?? "",
            ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A plain-text table for the terminal.
    public var table: String {
        let header = groupBy.map(\.rawValue) + ["records", "onTime", "late", "rate", "median", "worst"]
        var rows = [header]
        for group in groups {
            var cells: [String] = []
            for dimension in groupBy {
                switch dimension {
                case .department: cells.append(group.department ?? "")
                case .domain: cells.append(group.domain ?? "")
                case .itemType: cells.append(group.itemType ?? "")
                case .month: cells.append(group.month ?? "")
                }
            }
            cells += [
                String(group.records), String(group.onTime), String(group.late), String(format: "%.1f%%", group.onTimeRate * 100),
                group.medianDelayWorkingDays.map { String($0) } ?? "-", group.worstDelayWorkingDays.map(String.init) ?? "-",
            ]
            rows.append(cells)
        }
        // Chinese characters take two terminal columns.
        func width(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) } }
        let widths = (0..<header.count).map { column in rows.map { width($0[column]) }.max() ?? 0 }
        var text = rows.map { row in
            row.enumerated().map { column, cell in cell + String(repeating: " ", count: widths[column] - width(cell)) }.joined(separator: "  ")
        }.joined(separator: "\n")
        if !lateRecords.isEmpty {
            text += "\n\n逾期记录 / late records:\n"
            text += lateRecords.map {
                "  \($0.sourceSystem) \($0.recordId)  \($0.department)  \($0.itemType)  formed \($0.formedOn)  due \($0.dueOn)  disclosed \($0.disclosedOn)  +\($0.delayWorkingDays.map(String.init) ?? "?") wd"
            }.joined(separator: "\n")
        }
        return text + "\n"
    }
}
