import ExchangeStandard
import Foundation
import Hummingbird
import Mapping
import Store
import XMLStream

extension GatewayApplication {
    /// The sources the preview offers: the configured ones (their registration applies), or the mapping systems
    /// when no source is configured.
    var previewSources: [String] {
        configuration.sources.isEmpty ? mappings.current.mappings.keys.sorted() : configuration.sources.map(\.id).sorted()
    }

    /// `GET /console/preview` (and the answer to a preview): choose a source, paste or upload XML.
    func previewPage(_ visit: ConsoleVisit, result: HTML?, chosen: String? = nil, pasted: String = "") -> Response {
        let options: [HTML] = previewSources.map { "<option value=\"\($0)\"\(HTML(unsafeMarkup: $0 == chosen ? " selected" : ""))>\($0)</option>" }
        let content: HTML = """
            <p class="muted">\(visit.t("按当前加载的映射转换，不保存任何内容。", "Maps with the mappings loaded now; nothing is stored."))</p>
            \(mappingStatus(visit))
            <form method="post" action="/console/preview" enctype="multipart/form-data" class="filters" id="preview-form">\(visit.csrfField)
            <p><label>\(visit.t("来源系统", "Source")) <select name="source" required>\(options)</select></label>
            <label>\(visit.t("上传 XML 文件", "Upload an XML file")) <input type="file" name="file" accept=".xml,application/xml,text/xml"></label></p>
            <p><label>\(visit.t("或粘贴 XML", "or paste XML"))<br><textarea name="xml" spellcheck="false">\(pasted)</textarea></label></p>
            <button type="submit">\(visit.t("预览", "Preview"))</button></form>
            \(result ?? .empty)
            """
        return ConsoleResponse.html(ConsoleLayout.page(visit.t("映射预览", "Mapping preview"), section: .preview, visit: visit, content: content))
    }

    /// `POST /console/preview`: maps the upload (kept as bytes, any declared encoding) or the pasted text.
    func runPreview(_ visit: ConsoleVisit, _ form: ConsoleForm) async throws -> Response {
        let chosen = form["source"] ?? ""
        let source = configuration.sources.first { $0.id == chosen }
        let set = mappings.current
        guard previewSources.contains(chosen), let mapper = set.mapper(for: source?.mapping ?? chosen) else {
            return previewPage(visit, result: "<p class=\"alert\">\(visit.t("没有该来源的映射：\(chosen)", "No mapping for source \(chosen)"))</p>")
        }
        let pasted = form["xml"] ?? ""
        let body: Data
        if let file = form.file("file"), !file.data.isEmpty {
            body = file.data
        } else if !pasted.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            body = MappingPreview.pastedDocument(pasted)
        } else {
            return previewPage(visit, result: "<p class=\"alert\">\(visit.t("请上传文件或粘贴 XML。", "Upload a file or paste XML."))</p>", chosen: chosen)
        }
        let preview = await MappingPreview.run(mapper: mapper, source: source, body: body, receivedAt: Date(), store: store)
        return previewPage(visit, result: previewResult(preview, visit), chosen: chosen, pasted: pasted)
    }

    private func previewResult(_ preview: MappingPreview, _ visit: ConsoleVisit) -> HTML {
        let language = visit.language.messageLanguage
        let refused: HTML =
            preview.error.map { error in
                let place =
                    error.position.map { "\(visit.t("第", "line ")) \($0.line) \(visit.t("行第", ", column")) \($0.column) \(visit.t("列", ""))" } ?? ""
                return
                    "<p class=\"alert\" id=\"preview-error\">\(visit.t("批次将被拒收", "The batch would be refused")) [\(error.code.rawValue)] \(place): \(error.message)</p>"
            } ?? .empty
        let records: [HTML] = preview.records.map { item in
            let hub = item.mapped.hub
            let decision: String =
                switch item.decision {
                case .newVersion(let version, let action): "v\(version) \(ConsoleFormat.action(action.rawValue, visit))"
                case .unchanged(let version): "v\(version) \(ConsoleFormat.action("unchanged", visit))"
                case .withdrawUnknown: visit.t("撤回未知记录（将被拒收）", "withdraws an unknown record (would be rejected)")
                case nil: ""
                }
            let credits: [HTML] = item.mapped.credits.map {
                "<div>\($0.record.CF_XDR_MC) · \($0.record.CF_CFLB) \($0.publishOnCreditZhejiang ? "" : visit.t("（不在信用浙江公示）", " (not on Credit Zhejiang)"))</div>"
            }
            let trace: [HTML] = item.mapped.trace.map {
                "<tr><td><code>\($0.field)</code></td><td><code>\($0.source)</code></td><td class=\"mono\">\($0.rule)</td><td class=\"mono\">\($0.at ?? "")</td></tr>"
            }
            return """
                <tr class="preview-record" data-source-record="\(item.mapped.sourceRecordId)"><td>\(item.mapped.sourceRecordId)</td>\
                <td class="mono">\(hub.recordId)</td><td class="record-title">\(hub.title)</td><td>\(hub.domain) / \(hub.itemType)</td>\
                <td>\(hub.formedOn.description)</td><td>\(hub.dueOn.description)</td>\
                <td>\(hub.late ? "<span class=\"bad\">\(visit.t("逾期", "late"))</span>" as HTML : "")</td><td>\(decision)</td><td>\(credits)</td></tr>
                <tr><td colspan="9"><details><summary>\(visit.t("映射轨迹", "Mapping trace")) (\(item.mapped.trace.count))</summary>\
                <table class="trace"><tr><th>\(visit.t("输出字段", "Output field"))</th><th>\(visit.t("来源表达式", "Source expression"))</th>\
                <th>\(visit.t("映射规则", "Mapping rule"))</th><th>\(visit.t("输入位置", "Input at"))</th></tr>\(trace)</table></details></td></tr>
                """
        }
        let rejections: [HTML] = preview.rejections.flatMap { rejection in
            rejection.problems.enumerated().map { index, problem in
                let first: HTML =
                    index == 0
                    ? "<td rowspan=\"\(rejection.problems.count)\">\(rejection.sourceRecordId ?? "—")<br><span class=\"muted\">\(visit.t("第", "line ")) \(rejection.line) \(visit.t("行", ""))</span></td>"
                    : .empty
                return
                    "<tr class=\"preview-rejection\">\(first)<td><code>\(problem.field)</code></td><td><code>\(problem.rule)</code></td><td>\(problem.value ?? "")</td><td>\(problem.message(language))</td></tr>"
            }
        }
        let more =
            preview.mappedCount > preview.records.count || preview.rejectedCount > preview.rejections.count
            ? "<p class=\"muted\">\(visit.t("仅列出前 \(MappingPreview.maxRecordsShown) 条。", "Only the first \(MappingPreview.maxRecordsShown) are listed."))</p>"
                as HTML
            : .empty
        return """
            <h2 id="preview-result">\(visit.t("预览结果", "Preview"))</h2>
            \(refused)
            <p>\(visit.t("批次号", "Batch number")) <strong>\(preview.batchInfo?.number ?? "—")</strong> · \(visit.t("映射", "mapping")) \(preview.system) \
            <code title="\(preview.mappingVersion)">\(ConsoleFormat.shortHash(preview.mappingVersion))</code> · \
            \(visit.t("将接收", "would accept")) <strong id="preview-accepted">\(preview.mappedCount)</strong> · \
            \(visit.t("将拒收", "would reject")) <strong id="preview-rejected">\(preview.rejectedCount)</strong></p>
            \(more)
            <table id="preview-records"><tr><th>\(visit.t("源记录编号", "Source record"))</th><th>\(visit.t("交易平台记录", "Hub record"))</th>\
            <th>\(visit.t("标题", "Title"))</th><th>\(visit.t("领域 / 事项", "Domain / item"))</th><th>\(visit.t("形成日期", "Formed"))</th>\
            <th>\(visit.t("公开期限", "Due"))</th><th></th><th>\(visit.t("相对已存版本", "Against stored versions"))</th><th>\(visit.t("信用记录", "Credit records"))</th></tr>\(records)</table>
            <h3>\(visit.t("拒收", "Rejections"))</h3>
            <table id="preview-rejections"><tr><th>\(visit.t("源记录编号", "Source record"))</th><th>\(visit.t("字段", "Field"))</th>\
            <th>\(visit.t("规则", "Rule"))</th><th>\(visit.t("值", "Value"))</th><th>\(visit.t("说明", "Message"))</th></tr>\(rejections)</table>
            """
    }
}
