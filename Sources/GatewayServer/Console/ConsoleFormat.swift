import ExchangeStandard
import Foundation
import Store

/// How the console writes times, ages and names: Beijing time, whatever the server's zone.
enum ConsoleFormat {
    static let beijing = TimeZone(secondsFromGMT: 8 * 3600)!

    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = beijing
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func today(_ now: Date = Date()) -> LocalDate {
        LocalDate(now, utcOffsetSeconds: 8 * 3600)
    }

    /// `2 天 3 小时`, `5 分 12 秒`: the two largest units.
    static func age(_ seconds: TimeInterval, _ visit: ConsoleVisit) -> String {
        let total = Int(max(0, seconds))
        let units: [(Int, String, String)] = [(86400, " 天", " d"), (3600, " 小时", " h"), (60, " 分", " min"), (1, " 秒", " s")]
        var parts: [String] = []
        var rest = total
        for (size, chinese, english) in units where rest >= size || (size == 1 && parts.isEmpty) {
            parts.append("\(rest / size)\(visit.t(chinese, english))")
            rest %= size
            if parts.count == 2 { break }
        }
        return parts.joined(separator: " ")
    }

    static func bytes(_ count: Int64) -> String {
        count < 1024
            ? "\(count) B" : count < 1 << 20 ? String(format: "%.1f KB", Double(count) / 1024) : String(format: "%.1f MB", Double(count) / 1_048_576)
    }

    static func destination(_ destination: OutboxDestination, _ visit: ConsoleVisit) -> String {
        switch destination {
        case .hub: visit.t("省公共资源交易服务平台", "Trading hub")
        case .publisher: visit.t("信用浙江", "Credit Zhejiang")
        }
    }

    static func state(_ state: OutboxState, _ visit: ConsoleVisit) -> String {
        switch state {
        case .pending: visit.t("待发送", "pending")
        case .inflight: visit.t("发送中", "in flight")
        case .delivered: visit.t("已送达", "delivered")
        case .dead: visit.t("死信", "dead")
        }
    }

    static func action(_ action: String, _ visit: ConsoleVisit) -> String {
        switch action {
        case "publish": visit.t("发布", "publish")
        case "correct": visit.t("更正", "correct")
        case "withdraw": visit.t("撤回", "withdraw")
        case "unchanged": visit.t("未变", "unchanged")
        default: action
        }
    }

    /// A mapping version (SHA-256) shortened for tables; the whole value stays in the title attribute.
    static func shortHash(_ hash: String) -> String {
        String(hash.prefix(12))
    }
}
