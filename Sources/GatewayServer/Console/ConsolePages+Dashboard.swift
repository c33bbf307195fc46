import ExchangeStandard
import Foundation
import Hummingbird
import Mapping
import Store

extension GatewayApplication {
    /// `GET /console`: today's intake, rejects by rule, each receiver's state and queue, dead letters, late records,
    /// and the mappings in use (with a refused reload's problems).
    func dashboardPage(_ visit: ConsoleVisit) async throws -> Response {
        let now = Date()
        let today = ConsoleFormat.today(now)
        let batches = try await store.batches(BatchListQuery(receivedOn: today...today, limit: nil))
        let totals = batches.map(\.counts).reduce(ReceiptCounts(), +)
        let queues = try await store.outboxStatistics(now: now)
        let monthStart = LocalDate(year: today.year, month: today.month, day: 1)!
        let dueThisMonth = try await store.firstVersions(TimelinessQuery(dueOn: monthStart...today))

        let cards: [(String, String, Int)] = [
            ("today-batches", visit.t("今日批次", "Batches today"), batches.count),
            ("today-accepted", visit.t("今日接收记录", "Records accepted today"), totals.accepted),
            ("today-changed", visit.t("其中新版本", "of which new versions"), totals.changed),
            ("today-rejected", visit.t("今日拒收记录", "Records rejected today"), totals.rejected),
            ("today-late", visit.t("今日逾期记录", "Late records today"), totals.late),
            ("dead-letters", visit.t("死信", "Dead letters"), queues.map(\.dead).reduce(0, +)),
        ]
        let cardMarkup: [HTML] = cards.map { id, label, value in
            "<div class=\"card\"><div class=\"v\" id=\"\(id)\">\(value)</div><div class=\"k\">\(label)</div></div>"
        }

        let rules = totals.rejectionsByRule.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let ruleRows: [HTML] = rules.map { rule, count in
            "<tr data-rule=\"\(rule)\"><td><code>\(rule)</code></td><td class=\"n\">\(count)</td></tr>"
        }
        let rulesTable: HTML =
            rules.isEmpty
            ? "<p class=\"muted\">\(visit.t("今日无拒收。", "No rejections today."))</p>"
            : "<table id=\"rejects-by-rule\"><tr><th>\(visit.t("规则", "Rule"))</th><th class=\"n\">\(visit.t("拒收记录", "Rejected records"))</th></tr>\(ruleRows)</table>"

        var perSource: [String: (batches: Int, counts: ReceiptCounts)] = [:]
        for batch in batches {
            let entry = perSource[batch.sourceSystem] ?? (0, ReceiptCounts())
            perSource[batch.sourceSystem] = (entry.batches + 1, entry.counts + batch.counts)
        }
        let sourceRows: [HTML] = perSource.sorted { $0.key < $1.key }.map { source, entry in
            let link = ConsoleLinks.path(
                "/console/batches", [URLQueryItem(name: "source", value: source), URLQueryItem(name: "from", value: today.description)])
            return """
                <tr data-source="\(source)"><td><a href="\(link)">\(source)</a></td><td class="n">\(entry.batches)</td>\
                <td class="n">\(entry.counts.accepted)</td><td class="n">\(entry.counts.rejected)</td><td class="n">\(entry.counts.late)</td></tr>
                """
        }

        let queueRows: [HTML] = queues.map { queue in
            let name = queue.destination.rawValue
            let stateCell: HTML
            if let status = destinations.status(queue.destination) {
                stateCell =
                    status.isFailing
                    ? "<span class=\"bad\">\(visit.t("故障，已暂停", "failing, paused")) · \(visit.t("自", "since")) \(ConsoleFormat.time(status.failingSince)) · \(status.lastError ?? "")</span>"
                    : "<span class=\"ok\">\(visit.t("正常", "healthy"))</span>"
            } else {
                stateCell = "<span class=\"muted\">\(visit.t("本节点未投递", "not delivered by this node"))</span>"
            }
            let deadLink = ConsoleLinks.path("/console/dead-letters", [URLQueryItem(name: "destination", value: name)])
            return """
                <tr data-destination="\(name)"><td>\(ConsoleFormat.destination(queue.destination, visit))</td><td id="state-\(name)">\(stateCell)</td>\
                <td class="n" id="queue-\(name)-pending">\(queue.pending)</td><td class="n" id="queue-\(name)-inflight">\(queue.inflight)</td>\
                <td id="queue-\(name)-oldest">\(queue.oldestUndeliveredCreatedAt == nil ? "—" : ConsoleFormat.age(queue.oldestUndeliveredAge, visit))</td>\
                <td class="n"><a id="queue-\(name)-dead" href="\(deadLink)">\(queue.dead)</a></td></tr>
                """
        }

        let lateThisMonth = dueThisMonth.filter(\.late).count
        let content: HTML = """
            \(mappingStatus(visit))
            <h2>\(visit.t("今日接收", "Today's intake")) <span class="muted">\(today.description)</span></h2>
            <div class="cards">\(cardMarkup)</div>
            <h2>\(visit.t("今日拒收（按规则）", "Rejections today by rule"))</h2>
            \(rulesTable)
            <h2>\(visit.t("今日各来源", "Today by source"))</h2>
            <table id="today-by-source"><tr><th>\(visit.t("来源系统", "Source"))</th><th class="n">\(visit.t("批次", "Batches"))</th>\
            <th class="n">\(visit.t("接收", "Accepted"))</th><th class="n">\(visit.t("拒收", "Rejected"))</th><th class="n">\(visit.t("逾期", "Late"))</th></tr>\(sourceRows)</table>
            <h2>\(visit.t("投递", "Delivery"))</h2>
            <table id="destinations"><tr><th>\(visit.t("接收方", "Receiver"))</th><th>\(visit.t("状态", "State"))</th>\
            <th class="n">\(visit.t("待发送", "Pending"))</th><th class="n">\(visit.t("发送中", "In flight"))</th>\
            <th>\(visit.t("最早待发送已等待", "Oldest waiting for"))</th><th class="n">\(visit.t("死信", "Dead letters"))</th></tr>\(queueRows)</table>
            <h2>\(visit.t("逾期记录", "Late records"))</h2>
            <p>\(visit.t("本月截至今日到期的首次公开：", "First disclosures due this month so far: ")) <strong id="month-due">\(dueThisMonth.count)</strong>\(visit.t("，", ", "))\
            \(visit.t("其中逾期", "late")) <strong id="month-late">\(lateThisMonth)</strong>\(visit.t("。", ". "))\
            <a href="/console/timeliness">\(visit.t("查看及时性报表", "Timeliness report"))</a></p>
            """
        return ConsoleResponse.html(ConsoleLayout.page(visit.t("概览", "Dashboard"), section: .dashboard, visit: visit, content: content))
    }

    /// The mappings in use; a refused reload's problems in red, as the log and `/ready` report them.
    func mappingStatus(_ visit: ConsoleVisit) -> HTML {
        let set = mappings.current
        let current: HTML = """
            <p class="muted">\(visit.t("映射版本", "Mappings version")) <code title="\(set.version)">\(ConsoleFormat.shortHash(set.version))</code>\(visit.t("，", ", "))\
            \(set.mappings.count) \(visit.t("个系统，加载于", "systems, loaded")) \(ConsoleFormat.time(mappings.loadedAt))</p>
            """
        guard let failure = mappings.lastFailure else { return current }
        let problems: [HTML] = failure.problems.map { "<li><code>\($0)</code></li>" }
        return """
            <div class="alert" id="mapping-reload-error"><strong>\(visit.t("映射重新加载失败，仍使用原映射", "Mapping reload refused; the previous mappings stay in use"))</strong> \
            (\(ConsoleFormat.time(failure.at)))<ul>\(problems)</ul></div>
            \(current)
            """
    }
}
