import ExchangeStandard
import Foundation
import Hummingbird
import Logging
import Mapping
import Store

extension GatewayApplication {
    static let deadLettersShown = 500

    /// The dead-letter filter of the console's form: the API's fields, with days (`YYYY-MM-DD`, Beijing) accepted
    /// for `since`/`before` besides RFC 3339.
    static func consoleDeadLetterFilter(_ fields: [String: String]) throws -> DeadLetterFilter {
        var query = fields.filter { ["destination", "source", "reason", "since", "before"].contains($0.key) && !$0.value.isEmpty }
        for key in ["since", "before"] {
            if let text = query[key], LocalDate(iso: text) != nil { query[key] = "\(text)T00:00:00+08:00" }
        }
        return try deadLetterFilter(query)
    }

    /// `GET /console/dead-letters?destination=&source=&reason=&since=&before=`: what could not be delivered, with
    /// a replay button per entry and one for everything shown.
    func deadLettersPage(_ visit: ConsoleVisit) async throws -> Response {
        let filterFields = visit.query.filter { ["destination", "source", "reason", "since", "before"].contains($0.key) }
        var filter: DeadLetterFilter
        var problem: HTML = .empty
        do {
            filter = try Self.consoleDeadLetterFilter(filterFields)
        } catch let error as FilterError {
            problem = "<p class=\"alert\">\(error.message)</p>"
            filter = DeadLetterFilter()
        }
        filter.limit = Self.deadLettersShown + 1
        let found = try await store.deadLetters(filter)
        let shown = Array(found.prefix(Self.deadLettersShown))
        let returnTo = ConsoleLinks.path(visit.path, filterFields.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) })

        let notice = replayedNotice(visit)
        let destinationOptions: [HTML] = OutboxDestination.allCases.map { destination in
            let selected = HTML(unsafeMarkup: filterFields["destination"] == destination.rawValue ? " selected" : "")
            return "<option value=\"\(destination.rawValue)\"\(selected)>\(ConsoleFormat.destination(destination, visit))</option>"
        }
        let sources = Set(configuration.sources.map(\.id)).union(mappings.current.mappings.keys).sorted()
        let sourceOptions: [HTML] = sources.map {
            "<option value=\"\($0)\"\(HTML(unsafeMarkup: filterFields["source"] == $0 ? " selected" : ""))>\($0)</option>"
        }
        let rows: [HTML] = shown.map { entry in
            """
            <tr data-entry="\(entry.id)"><td class="n">\(entry.id)</td><td>\(ConsoleFormat.destination(entry.destination, visit))</td>\
            <td><a class="mono" href="\(ConsoleLinks.record(entry.recordId))">\(entry.recordId)</a></td><td class="n">\(entry.version)</td>\
            <td>\(entry.operation.rawValue)</td><td>\(entry.sourceSystem)</td>\
            <td>\(entry.batchId.map { "<a class=\"mono\" href=\"\(ConsoleLinks.batch($0))\">\($0)</a>" as HTML } ?? "—")</td>\
            <td class="n">\(entry.attempts)</td><td>\(ConsoleFormat.time(entry.deadAt))</td><td class="reason">\(entry.deadReason ?? "")</td>\
            <td><form method="post" action="/console/dead-letters/replay" class="inline replay-one">\(visit.csrfField)\
            <input type="hidden" name="id" value="\(entry.id)"><input type="hidden" name="return" value="\(returnTo)">\
            <button type="submit">\(visit.t("重新投递", "Replay"))</button></form></td></tr>
            """
        }
        let hiddenFilter: [HTML] = filterFields.sorted { $0.key < $1.key }.map { "<input type=\"hidden\" name=\"\($0.key)\" value=\"\($0.value)\">" }
        // "All matching" replays at most what the operator sees: the oldest `shown.count`, which are the rows listed.
        let replayAll: HTML =
            shown.isEmpty
            ? "<p class=\"muted\" id=\"no-dead-letters\">\(visit.t("没有符合条件的死信。", "No dead letters match."))</p>"
            : """
            <form method="post" action="/console/dead-letters/replay" class="filters" id="replay-all">\(visit.csrfField)\(hiddenFilter)\
            <input type="hidden" name="scope" value="matching"><input type="hidden" name="limit" value="\(shown.count)">\
            <input type="hidden" name="return" value="\(returnTo)">\
            <button type="submit">\(visit.t("全部重新投递（\(shown.count) 条）", "Replay all \(shown.count) shown"))</button>\
            \(found.count > shown.count ? " <span class=\"muted\">\(visit.t("仅列出最早的 \(shown.count) 条", "only the oldest \(shown.count) are listed"))</span>" as HTML : .empty)</form>
            """
        let content: HTML = """
            \(problem)\(notice)
            <form method="get" action="/console/dead-letters" class="filters">
            <label>\(visit.t("接收方", "Receiver")) <select name="destination"><option value="">\(visit.t("全部", "all"))</option>\(destinationOptions)</select></label>
            <label>\(visit.t("来源系统", "Source")) <select name="source"><option value="">\(visit.t("全部", "all"))</option>\(sourceOptions)</select></label>
            <label>\(visit.t("原因包含", "Reason contains")) <input name="reason" value="\(filterFields["reason"] ?? "")"></label>
            <label>\(visit.t("死信时间自", "Dead since")) <input name="since" placeholder="YYYY-MM-DD" size="12" value="\(filterFields["since"] ?? "")"></label>
            <label>\(visit.t("早于", "before")) <input name="before" placeholder="YYYY-MM-DD" size="12" value="\(filterFields["before"] ?? "")"></label>
            <button type="submit">\(visit.t("筛选", "Filter"))</button></form>
            <p><span id="dead-count">\(shown.count)</span> \(visit.t("条死信", "dead letter(s)"))</p>
            <table id="dead-letters"><tr><th class="n">#</th><th>\(visit.t("接收方", "Receiver"))</th><th>\(visit.t("记录", "Record"))</th>\
            <th class="n">\(visit.t("版本", "Version"))</th><th>\(visit.t("操作", "Operation"))</th><th>\(visit.t("来源系统", "Source"))</th>\
            <th>\(visit.t("批次", "Batch"))</th><th class="n">\(visit.t("尝试", "Attempts"))</th><th>\(visit.t("死信时间", "Dead at"))</th>\
            <th>\(visit.t("接收方答复", "Receiver's reason"))</th><th></th></tr>\(rows)</table>
            \(replayAll)
            """
        return ConsoleResponse.html(ConsoleLayout.page(visit.t("死信", "Dead letters"), section: .deadLetters, visit: visit, content: content))
    }

    /// The count a replay redirected back with.
    func replayedNotice(_ visit: ConsoleVisit) -> HTML {
        guard let replayed = visit.parameter("replayed").flatMap(Int.init) else { return .empty }
        return
            "<p class=\"notice\" id=\"replayed\">\(visit.t("已重新投递", "Replayed")) <strong>\(replayed)</strong> \(visit.t("条。", "dead letter(s)."))</p>"
    }

    /// `POST /console/dead-letters/replay`: one entry (`id`), or the oldest `limit` matching the filter
    /// (`scope=matching`); back to where the operator was, with the count.
    func replayFromConsole(_ visit: ConsoleVisit, _ form: ConsoleForm) async throws -> Response {
        let selection: DeadLetterSelection
        if form["scope"] == "matching" {
            var fields: [String: String] = [:]
            for key in ["destination", "source", "reason", "since", "before"] { fields[key] = form[key] }
            guard var filter = try? Self.consoleDeadLetterFilter(fields), let limit = form["limit"].flatMap(Int.init), limit > 0 else {
                return ConsoleResponse.redirect("/console/dead-letters")
            }
            filter.limit = limit
            selection = .matching(filter)
        } else {
            let ids = form.all("id").compactMap(Int64.init)
            guard !ids.isEmpty else { return ConsoleResponse.redirect("/console/dead-letters") }
            selection = .ids(ids)
        }
        let replayed = try await store.replayDeadLetters(selection, now: Date())
        logger.notice(
            "dead letters replayed from the console",
            metadata: ["operator": "\(visit.session?.operatorName ?? "")", "count": "\(replayed.count)", "outbox.items": "\(replayed)"])
        let back = form["return"].flatMap { $0.isEmpty ? nil : Self.safeNext($0) } ?? "/console/dead-letters"
        let target = URLComponents(string: back) ?? URLComponents(string: "/console/dead-letters")!
        var items = (target.queryItems ?? []).filter { $0.name != "replayed" }
        items.append(URLQueryItem(name: "replayed", value: String(replayed.count)))
        return ConsoleResponse.redirect(ConsoleLinks.path(target.path, items))
    }
}
