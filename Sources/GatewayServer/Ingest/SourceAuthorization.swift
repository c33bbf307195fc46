import ExchangeStandard
import Mapping

/// Whether a department system may speak for a record: 谁批准、谁公开；谁实施、谁公开 — a source is
/// registered for the domains, regions and responsible subjects it discloses for.
struct SourceAuthorization {
    let source: GatewayConfiguration.Source

    func problems(for hub: HubRecord) -> [RecordProblem] {
        var problems: [RecordProblem] = []
        if !source.domains.isEmpty, !source.domains.contains(hub.domain) {
            problems.append(
                forbidden(
                    "domain", hub.domain, "未登记 \(hub.domain) 领域（已登记：\(source.domains.joined(separator: "、"))）",
                    "not registered for domain \(hub.domain) (registered: \(source.domains.joined(separator: ", ")))"))
        }
        if !source.regionPrefixes.isEmpty, !source.regionPrefixes.contains(where: { hub.regionCode.hasPrefix($0) }) {
            problems.append(
                forbidden(
                    "regionCode", hub.regionCode, "未登记行政区划 \(hub.regionCode)", "not registered for region \(hub.regionCode)"))
        }
        if !source.responsibleSubjects.isEmpty, !source.responsibleSubjects.contains(hub.responsible.uscc ?? "") {
            problems.append(
                forbidden(
                    "responsible.uscc", hub.responsible.uscc ?? "", "未登记责任主体 \(hub.responsible.name)",
                    "not registered for the responsible subject \(hub.responsible.name)"))
        }
        return problems
    }

    private func forbidden(_ field: String, _ value: String, _ chinese: String, _ english: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "forbidden", value: value, chinese: "系统 \(source.id) 无权报送此记录：\(chinese)",
            english: "system \(source.id) may not speak for this record: \(english)")
    }
}
