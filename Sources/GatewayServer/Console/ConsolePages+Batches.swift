import ExchangeStandard
import Foundation
import Hummingbird
import Mapping
import Store

extension GatewayApplication {
    static let batchesPerPage = 50

    /// `GET /console/batches?source=&from=&to=&offset=`: batches newest first, with a record lookup.
    func batchesPage(_ visit: ConsoleVisit) async throws -> Response {
        let source = visit.parameter("source")
        let from = visit.parameter("from").flatMap(LocalDate.init(iso:))
        let to = visit.parameter("to").flatMap(LocalDate.init(iso:))
        var range: ClosedRange<LocalDate>?
        if from != nil || to != nil {
            let lower = from ?? LocalDate(year: 1970, month: 1, day: 1)!
            let upper = max(to ?? LocalDate(year: 9999, month: 12, day: 31)!, lower)
            range = lower...upper
        }
        let offset = max(0, visit.parameter("offset").flatMap(Int.init) ?? 0)
        let page = try await store.batches(
            BatchListQuery(sourceSystem: source, receivedOn: range, limit: Self.batchesPerPage + 1, offset: offset))
        let batches = page.prefix(Self.batchesPerPage)

        let sources = Set(configuration.sources.map(\.id)).union(mappings.current.mappings.keys).sorted()
        let options: [HTML] = sources.map { "<option value=\"\($0)\"\(HTML(unsafeMarkup: $0 == source ? " selected" : ""))>\($0)</option>" }
        let rows: [HTML] = batches.map { batch in
            """
            <tr data-batch="\(batch.batchId)"><td>\(batch.receivedAt)</td><td>\(batch.sourceSystem)</td><td>\(batch.batchNumber ?? "—")</td>\
            <td><a class="mono" href="\(ConsoleLinks.batch(batch.batchId))">\(batch.batchId)</a></td>\
            <td class="n accepted">\(batch.counts.accepted)</td><td class="n">\(batch.counts.changed)</td>\
            <td class="n rejected">\(batch.counts.rejected)</td><td class="n late">\(batch.counts.late)</td>\
            <td class="n">\(ConsoleFormat.bytes(batch.bodyByteCount))</td></tr>
            """
        }
        func pageLink(_ newOffset: Int, _ label: String) -> HTML {
            let items = [("source", source), ("from", from?.description), ("to", to?.description), ("offset", String(newOffset))]
            return "<a href=\"\(ConsoleLinks.path("/console/batches", items.map { URLQueryItem(name: $0.0, value: $0.1) }))\">\(label)</a>"
        }
        let previous = offset > 0 ? pageLink(max(0, offset - Self.batchesPerPage), visit.t("← 较新", "← newer")) : .empty
        let next = page.count > Self.batchesPerPage ? pageLink(offset + Self.batchesPerPage, visit.t("较早 →", "older →")) : .empty
        let content: HTML = """
            <form method="get" action="/console/records" class="filters">
            <label>\(visit.t("记录编号（交易平台或信用记录）", "Record id (hub or credit)")) <input name="id" size="30"></label>
            <button type="submit">\(visit.t("查看记录", "Open record"))</button></form>
            <form method="get" action="/console/batches" class="filters">
            <label>\(visit.t("来源系统", "Source")) <select name="source"><option value="">\(visit.t("全部", "all"))</option>\(options)</select></label>
            <label>\(visit.t("接收日期自", "Received from")) <input type="date" name="from" value="\(from?.description ?? "")"></label>
            <label>\(visit.t("至", "to")) <input type="date" name="to" value="\(to?.description ?? "")"></label>
            <button type="submit">\(visit.t("筛选", "Filter"))</button></form>
            <table id="batches"><tr><th>\(visit.t("接收时间", "Received"))</th><th>\(visit.t("来源系统", "Source"))</th>\
            <th>\(visit.t("批次号", "Batch number"))</th><th>\(visit.t("批次编号", "Batch id"))</th><th class="n">\(visit.t("接收", "Accepted"))</th>\
            <th class="n">\(visit.t("新版本", "New versions"))</th><th class="n">\(visit.t("拒收", "Rejected"))</th><th class="n">\(visit.t("逾期", "Late"))</th>\
            <th class="n">\(visit.t("大小", "Size"))</th></tr>\(rows)</table>
            \(batches.isEmpty ? "<p class=\"muted\">\(visit.t("没有符合条件的批次。", "No batches match."))</p>" as HTML : .empty)
            <p>\(previous) \(next)</p>
            """
        return ConsoleResponse.html(ConsoleLayout.page(visit.t("批次", "Batches"), section: .batches, visit: visit, content: content))
    }

    /// `GET /console/batches/{id}`: the receipt (accepted and rejected records) with each version's delivery state.
    func batchPage(_ visit: ConsoleVisit, id: String) async throws -> Response {
        guard let details = try await store.batch(id: id) else {
            return notFoundPage(visit, visit.t("没有批次 \(id)", "No batch \(id)"))
        }
        let receipt = details.receipt.receipt
        let counts = ReceiptCounts(receipt)
        var hubStates: [String: OutboxState] = [:]
        for version in details.hubVersions { hubStates["\(version.recordId)#\(version.version)"] = version.state(for: .hub) }
        var creditStates: [String: OutboxState] = [:]
        for version in details.creditVersions { creditStates["\(version.recordId)#\(version.version)"] = version.state(for: .publisher) }
        func state(_ value: OutboxState?) -> HTML {
            guard let value else { return "—" }
            return "<span class=\"\(value == .dead ? "bad" : value == .delivered ? "ok" : "")\">\(ConsoleFormat.state(value, visit))</span>"
        }

        let acceptedRows: [HTML] = receipt.accepted.map { record in
            let credits: [HTML] = record.credits.map { credit in
                """
                <div><a class="mono" href="\(ConsoleLinks.record(credit.creditRecordId))">\(credit.creditRecordId)</a> v\(credit.version) \
                \(ConsoleFormat.action(credit.action.rawValue, visit)) · \(state(creditStates["\(credit.creditRecordId)#\(credit.version)"]))</div>
                """
            }
            return """
                <tr data-record="\(record.recordId)"><td>\(record.sourceRecordId)</td><td><a class="mono" href="\(ConsoleLinks.record(record.recordId))">\(record.recordId)</a></td>\
                <td class="n">\(record.version)</td><td>\(ConsoleFormat.action(record.action.rawValue, visit))</td><td>\(record.dueOn.description)</td>\
                <td>\(record.late ? "<span class=\"bad\">\(visit.t("逾期", "late"))</span>" as HTML : "")</td>\
                <td>\(record.action == .unchanged ? "—" : state(hubStates["\(record.recordId)#\(record.version)"]))</td><td>\(credits)</td></tr>
                """
        }
        let rejectedRows: [HTML] = receipt.rejected.flatMap { rejection in
            rejection.errors.enumerated().map { index, error in
                let first: HTML = index == 0 ? "<td rowspan=\"\(rejection.errors.count)\">\(rejection.sourceRecordId)</td>" : .empty
                return
                    "<tr>\(first)<td><code>\(error.field ?? "")</code></td><td><code>\(error.rule)</code></td><td>\(error.value ?? "")</td><td>\(error.message)</td></tr>"
            }
        }
        let current = mappings.current.mappings[receipt.sourceSystem]?.fileHash
        let mappingNote = current == details.mappingVersion ? visit.t("（当前使用中）", " (in use now)") : visit.t("（已非当前版本）", " (since replaced)")
        let content: HTML = """
            <table id="batch-facts">
            <tr><th>\(visit.t("批次编号", "Batch id"))</th><td class="mono">\(details.batchId)</td></tr>
            <tr><th>\(visit.t("来源系统", "Source"))</th><td>\(details.sourceSystem)</td></tr>
            <tr><th>\(visit.t("批次号", "Batch number"))</th><td>\(details.batchNumber ?? "—")</td></tr>
            <tr><th>\(visit.t("接收时间", "Received"))</th><td>\(details.receivedAt)</td></tr>
            <tr><th>SHA-256</th><td class="mono">\(details.bodySHA256)</td></tr>
            <tr><th>\(visit.t("大小", "Size"))</th><td>\(ConsoleFormat.bytes(details.bodyByteCount))</td></tr>
            <tr><th>\(visit.t("映射版本（文件哈希）", "Mapping version (file hash)"))</th><td><code>\(details.mappingVersion)</code>\(mappingNote)</td></tr>
            <tr><th>\(visit.t("接收 / 新版本 / 拒收 / 逾期", "Accepted / new versions / rejected / late"))</th>\
            <td><span id="batch-accepted">\(counts.accepted)</span> / <span id="batch-changed">\(counts.changed)</span> / \
            <span id="batch-rejected">\(counts.rejected)</span> / <span id="batch-late">\(counts.late)</span></td></tr>
            </table>
            <h2>\(visit.t("接收的记录", "Accepted records"))</h2>
            <table id="accepted"><tr><th>\(visit.t("源记录编号", "Source record"))</th><th>\(visit.t("交易平台记录", "Hub record"))</th>\
            <th class="n">\(visit.t("版本", "Version"))</th><th>\(visit.t("动作", "Action"))</th><th>\(visit.t("公开期限", "Due"))</th><th></th>\
            <th>\(visit.t("交易平台投递", "Hub delivery"))</th><th>\(visit.t("信用记录", "Credit records"))</th></tr>\(acceptedRows)</table>
            <h2>\(visit.t("拒收的记录", "Rejected records"))</h2>
            <table id="rejected"><tr><th>\(visit.t("源记录编号", "Source record"))</th><th>\(visit.t("字段", "Field"))</th><th>\(visit.t("规则", "Rule"))</th>\
            <th>\(visit.t("值", "Value"))</th><th>\(visit.t("说明", "Message"))</th></tr>\(rejectedRows)</table>
            <details><summary>\(visit.t("回执原文（JSON）", "Receipt as sent (JSON)"))</summary><pre>\(String(decoding: details.receipt.json, as: UTF8.self))</pre></details>
            """
        return ConsoleResponse.html(
            ConsoleLayout.page(
                "\(visit.t("批次", "Batch")) \(details.batchNumber ?? details.batchId)", section: .batches, visit: visit, content: content))
    }
}
