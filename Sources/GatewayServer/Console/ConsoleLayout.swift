/// The frame every console page shares: inline CSS (no external resource may load), navigation, the language
/// switch and the sign-out form.
enum ConsoleLayout {
    enum Section: Sendable {
        case dashboard, batches, deadLetters, timeliness, preview, signIn, none
    }

    static func page(_ title: String, section: Section, visit: ConsoleVisit, content: HTML) -> HTML {
        let navigation: [(Section, String, String)] = [
            (.dashboard, "/console", visit.t("概览", "Dashboard")), (.batches, "/console/batches", visit.t("批次", "Batches")),
            (.deadLetters, "/console/dead-letters", visit.t("死信", "Dead letters")),
            (.timeliness, "/console/timeliness", visit.t("及时性", "Timeliness")),
            (.preview, "/console/preview", visit.t("映射预览", "Mapping preview")),
        ]
        let links: [HTML] = navigation.map { item in
            item.0 == section ? "<a href=\"\(item.1)\" aria-current=\"page\">\(item.2)</a>" : "<a href=\"\(item.1)\">\(item.2)</a>"
        }
        let account: HTML =
            if let session = visit.session {
                """
                <form method="post" action="/console/signout" class="inline">\(visit.csrfField)\
                <span class="who">\(session.operatorName)</span> <button type="submit">\(visit.t("退出", "Sign out"))</button></form>
                """
            } else {
                .empty
            }
        let languageSwitch: HTML =
            "<a href=\"\(visit.otherLanguageHref)\" hreflang=\"\(visit.language == .english ? "zh-CN" : "en")\">\(visit.t("English", "中文"))</a>"
        return """
            <!DOCTYPE html>
            <html lang="\(visit.language.htmlLang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · \(visit.t("信用信息交换网关", "Credit gateway"))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <header>
            <strong>\(visit.t("信用信息交换网关", "Credit gateway"))</strong>
            <nav>\(section == .signIn ? [] : links)</nav>
            <span class="right">\(languageSwitch) \(account)</span>
            </header>
            <main>
            <h1>\(title)</h1>
            \(content)
            </main>
            </body>
            </html>
            """
    }

    /// Kept short and inline: the console must look right with no network.
    static let stylesheet = HTML(
        unsafeMarkup: """
            body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#1d2733;background:#f5f7fa;font-size:14px}
            header{display:flex;gap:1.5em;align-items:center;background:#16385f;color:#fff;padding:.6em 1.2em}
            header a{color:#dbe8f7;text-decoration:none;margin-right:1em}header a[aria-current]{color:#fff;font-weight:bold;border-bottom:2px solid #fff}
            header .right{margin-left:auto}header .who{margin:0 .4em}
            main{padding:1em 1.5em;max-width:1400px}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
            table{border-collapse:collapse;background:#fff;margin:.5em 0 1em}th,td{border:1px solid #d5dde6;padding:.3em .6em;text-align:left;vertical-align:top}
            th{background:#eaf0f6}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            .cards{display:flex;flex-wrap:wrap;gap:1em}.card{background:#fff;border:1px solid #d5dde6;padding:.6em 1em;min-width:9em}
            .card .v{font-size:1.6em;font-weight:bold}.card .k{color:#5a6b7d}
            .bad{color:#a61b1b}.ok{color:#1b6e3a}.muted{color:#6b7a8a}
            .alert{background:#fdecec;border:1px solid #e5a3a3;padding:.6em 1em;margin:1em 0}.notice{background:#e9f6ee;border:1px solid #9fd3b2;padding:.6em 1em;margin:1em 0}
            form.inline{display:inline}form.filters{background:#fff;border:1px solid #d5dde6;padding:.6em 1em;margin:.5em 0}
            form.filters label{margin-right:1em}textarea{width:100%;min-height:14em;font-family:monospace}
            pre{background:#fff;border:1px solid #d5dde6;padding:.6em;overflow:auto;max-height:30em}
            code,.mono{font-family:"SFMono-Regular",Consolas,monospace;font-size:.92em;word-break:break-all}
            details{margin:.3em 0}svg{background:#fff;border:1px solid #d5dde6}
            """)
}
