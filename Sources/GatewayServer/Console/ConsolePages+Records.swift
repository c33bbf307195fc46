import ExchangeStandard
import Foundation
import Hummingbird
import Mapping
import Store

extension GatewayApplication {
    /// `GET /console/records/{id}`: every version of a hub or credit record, with its mapping trace and deliveries.
    func recordPage(_ visit: ConsoleVisit, id: String) async throws -> Response {
        let hub = try await store.recordHistory(recordId: id)
        if !hub.isEmpty {
            let sections: [HTML] = hub.reversed().map { hubVersionSection($0, visit) }
            return ConsoleResponse.html(
                ConsoleLayout.page(
                    "\(visit.t("交易平台记录", "Hub record")) \(id)", section: .batches, visit: visit,
                    content: "\(replayedNotice(visit))<p class=\"muted\">\(visit.t("最新版本在前。", "Newest version first."))</p>\(sections)"))
        }
        let credit = try await store.creditRecordHistory(creditRecordId: id)
        if !credit.isEmpty {
            let sections: [HTML] = credit.reversed().map { creditVersionSection($0, visit) }
            return ConsoleResponse.html(
                ConsoleLayout.page(
                    "\(visit.t("信用记录", "Credit record")) \(id)", section: .batches, visit: visit,
                    content: "\(replayedNotice(visit))<p class=\"muted\">\(visit.t("最新版本在前。", "Newest version first."))</p>\(sections)"))
        }
        return notFoundPage(visit, visit.t("没有记录 \(id)", "No record \(id)"))
    }

    private func hubVersionSection(_ version: HubRecordVersion, _ visit: ConsoleVisit) -> HTML {
        let record = version.record
        let parties: [HTML] = (record.parties ?? []).map { party in
            "<div>\(party.role): \(party.name) \(party.uscc ?? "") \(party.idNumber.map { "· \($0)" } ?? "")</div>"
        }
        let amounts: [HTML] = (record.amounts ?? []).map { "<div>\($0.kind): \($0.value)</div>" }
        let credits: [HTML] = (record.creditRecordIds ?? []).map { "<div><a class=\"mono\" href=\"\(ConsoleLinks.record($0))\">\($0)</a></div>" }
        let facts: [(String, HTML)] = [
            (visit.t("标题", "Title"), "<span class=\"record-title\">\(record.title)</span>"),
            (visit.t("领域 / 事项类型", "Domain / item type"), "\(record.domain) / \(record.itemType)"),
            (visit.t("行政区划", "Region"), "\(record.regionCode)"),
            (visit.t("项目", "Project"), "\(record.projectCode ?? "") \(record.projectName ?? "")"),
            (visit.t("责任主体", "Responsible"), "\(record.responsible.name) \(record.responsible.uscc ?? "")"),
            (
                visit.t("形成日期 / 公开期限 / 公开日期", "Formed / due / published"),
                "\(record.formedOn.description) / \(record.dueOn.description) / \(record.publishedOn?.description ?? "—")"
            ),
            (visit.t("逾期", "Late"), record.late ? "<span class=\"bad\">\(visit.t("是", "yes"))</span>" : "\(visit.t("否", "no"))"),
            (visit.t("当事人", "Parties"), "\(parties)"), (visit.t("金额", "Amounts"), "\(amounts)"),
            (visit.t("已隐去", "Withheld"), "\((record.redacted ?? []).joined(separator: "、"))"),
            (visit.t("信用记录", "Credit records"), "\(credits)"),
        ]
        return versionSection(version.provenance, facts: facts, deliveries: version.deliveries, json: version.json, visit)
    }

    private func creditVersionSection(_ version: CreditRecordVersion, _ visit: ConsoleVisit) -> HTML {
        let record = version.record
        let facts: [(String, HTML)] = [
            (visit.t("行政相对人", "Subject"), "<span class=\"record-title\">\(record.CF_XDR_MC)</span> \(record.CF_XDR_SHXYM ?? "")"),
            (visit.t("决定文书号", "Decision number"), "\(record.CF_WSH)"),
            (visit.t("违法行为 / 类别", "Conduct / category"), "\(record.CF_WFXW) / \(record.CF_CFLB)"),
            (visit.t("内容", "Content"), "\(record.CF_NR)"),
            (visit.t("决定日期 / 公示截止", "Decided / publicity ends"), "\(record.CF_JDRQ.description) / \(record.CF_GSJZQ?.description ?? "—")"),
            (visit.t("决定机关", "Authority"), "\(record.CF_CFJG) \(record.CF_CFJGDM)"),
            (
                visit.t("在信用浙江公示", "Published on Credit Zhejiang"),
                "\(version.publishOnCreditZhejiang ? visit.t("是", "yes") : visit.t("否（仅报送信用平台）", "no (credit platform only)"))"
            ),
            (visit.t("交易平台记录", "Hub record"), "<a class=\"mono\" href=\"\(ConsoleLinks.record(record.hubRecordId))\">\(record.hubRecordId)</a>"),
        ]
        return versionSection(version.provenance, facts: facts, deliveries: version.deliveries, json: version.json, visit)
    }

    private func versionSection(
        _ provenance: VersionProvenance, facts: [(String, HTML)], deliveries: [OutboxEntry], json: Data, _ visit: ConsoleVisit
    ) -> HTML {
        let rows: [HTML] = facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }
        let trace = StoredTrace.decode(provenance.trace) ?? []
        let traceRows: [HTML] = trace.map {
            "<tr><td><code>\($0.field)</code></td><td><code>\($0.source)</code></td><td class=\"mono\">\($0.rule)</td><td class=\"mono\">\($0.at ?? "")</td></tr>"
        }
        let traceTable: HTML =
            trace.isEmpty
            ? "<p class=\"muted\">\(visit.t("无映射轨迹。", "No mapping trace."))</p>"
            : """
            <table class="trace"><tr><th>\(visit.t("输出字段", "Output field"))</th><th>\(visit.t("来源表达式", "Source expression"))</th>\
            <th>\(visit.t("映射规则", "Mapping rule"))</th><th>\(visit.t("输入位置", "Input at"))</th></tr>\(traceRows)</table>
            """
        let remapped: HTML = provenance.remappedAt.map { " · \(visit.t("已重新映射于", "re-mapped at")) \(ConsoleFormat.time($0))" } ?? .empty
        return """
            <section class="version" data-version="\(provenance.version)">
            <h2>\(visit.t("版本", "Version")) \(provenance.version) · \(ConsoleFormat.action(provenance.action.rawValue, visit))</h2>
            <p class="muted">\(visit.t("批次", "Batch")) <a class="mono" href="\(ConsoleLinks.batch(provenance.batchId))">\(provenance.batchId)</a> · \
            \(provenance.sourceSystem) / \(provenance.sourceRecordId) · \(provenance.receivedAt) · \(visit.t("映射版本", "mapping version")) \
            <code title="\(provenance.mappingVersion)">\(ConsoleFormat.shortHash(provenance.mappingVersion))</code>\(remapped)</p>
            <table class="facts">\(rows)</table>
            <h3>\(visit.t("投递", "Deliveries"))</h3>
            \(deliveriesTable(deliveries, visit, returnTo: visit.path))
            <details><summary>\(visit.t("映射轨迹", "Mapping trace")) (\(trace.count))</summary>\(traceTable)</details>
            <details><summary>\(visit.t("记录原文（JSON，未脱敏）", "Stored record (JSON, unmasked)"))</summary><pre>\(String(decoding: json, as: UTF8.self))</pre></details>
            </section>
            """
    }

    /// Outbox entries with their state; a dead one has a replay button.
    func deliveriesTable(_ deliveries: [OutboxEntry], _ visit: ConsoleVisit, returnTo: String) -> HTML {
        guard !deliveries.isEmpty else { return "<p class=\"muted\">\(visit.t("无需投递。", "Nothing to deliver."))</p>" }
        let rows: [HTML] = deliveries.map { entry in
            let replay: HTML =
                entry.state == .dead
                ? """
                <form method="post" action="/console/dead-letters/replay" class="inline replay-one">\(visit.csrfField)\
                <input type="hidden" name="id" value="\(entry.id)"><input type="hidden" name="return" value="\(returnTo)">\
                <button type="submit">\(visit.t("重新投递", "Replay"))</button></form>
                """ : .empty
            return """
                <tr data-entry="\(entry.id)"><td class="n">\(entry.id)</td><td>\(ConsoleFormat.destination(entry.destination, visit))</td><td>\(entry.operation.rawValue)</td>\
                <td class="state">\(ConsoleFormat.state(entry.state, visit))</td><td class="n">\(entry.attempts)</td>\
                <td>\(ConsoleFormat.time(entry.deliveredAt ?? entry.deadAt))</td><td>\(entry.deadReason ?? entry.lastError ?? entry.takedownReason ?? "")</td><td>\(replay)</td></tr>
                """
        }
        return """
            <table class="deliveries"><tr><th class="n">#</th><th>\(visit.t("接收方", "Receiver"))</th><th>\(visit.t("操作", "Operation"))</th>\
            <th>\(visit.t("状态", "State"))</th><th class="n">\(visit.t("尝试", "Attempts"))</th><th>\(visit.t("时间", "At"))</th>\
            <th>\(visit.t("原因 / 最近错误", "Reason / last error"))</th><th></th></tr>\(rows)</table>
            """
    }
}
