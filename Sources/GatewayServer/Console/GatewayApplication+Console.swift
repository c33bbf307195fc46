import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The operators' console at `/console`: server-rendered pages, sign-in with an operator token, a server-side
/// session, a CSRF token on every form.
extension GatewayApplication {
    func addConsoleRoutes(to router: Router<BasicRequestContext>) {
        router.get("/console/signin") { request, _ in self.signInForm(request) }
        router.post("/console/signin") { request, _ in try await self.signIn(request) }
        router.post("/console/signout") { request, _ in
            try await self.consoleAction(request) { visit, _ in
                if let session = visit.session { self.consoleSessions.end(id: session.id) }
                return ConsoleResponse.redirect("/console/signin", cookies: [self.sessionCookie("", maxAge: 0)])
            }
        }
        router.get("/console") { request, _ in try await self.consolePage(request) { try await self.dashboardPage($0) } }
        router.get("/console/batches") { request, _ in try await self.consolePage(request) { try await self.batchesPage($0) } }
        router.get("/console/batches/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await self.consolePage(request) { try await self.batchPage($0, id: id) }
        }
        router.get("/console/records") { request, _ in
            try await self.consolePage(request) { visit in
                let id = visit.parameter("id")?.trimmingCharacters(in: .whitespaces) ?? ""
                return ConsoleResponse.redirect(id.isEmpty ? "/console/batches" : ConsoleLinks.record(id))
            }
        }
        router.get("/console/records/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await self.consolePage(request) { try await self.recordPage($0, id: id) }
        }
        router.get("/console/dead-letters") { request, _ in try await self.consolePage(request) { try await self.deadLettersPage($0) } }
        router.post("/console/dead-letters/replay") { request, _ in
            try await self.consoleAction(request) { try await self.replayFromConsole($0, $1) }
        }
        router.get("/console/timeliness") { request, _ in try await self.consolePage(request) { try await self.timelinessPage($0) } }
        router.get("/console/preview") { request, _ in try await self.consolePage(request) { self.previewPage($0, result: nil) } }
        router.post("/console/preview") { request, _ in
            try await self.consoleAction(request, maxBytes: MappingPreview.maxBodyBytes + (64 << 10)) { try await self.runPreview($0, $1) }
        }
    }

    // MARK: - Pages and actions

    /// Renders a page for a signed-in operator; anyone else is sent to sign in and brought back afterwards.
    func consolePage(_ request: Request, _ render: (ConsoleVisit) async throws -> Response) async throws -> Response {
        guard let session = consoleSession(request) else {
            let next = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return ConsoleResponse.redirect(ConsoleLinks.path("/console/signin", [URLQueryItem(name: "next", value: next)]))
        }
        let visit = ConsoleVisit(request, session: session)
        var response = try await render(visit)
        if visit.languageChosen { response.setCookie(languageCookie(visit.language)) }
        return response
    }

    /// Performs a POSTed form for a signed-in operator whose form carries the session's CSRF token.
    func consoleAction(
        _ request: Request, maxBytes: Int = 64 << 10, _ perform: (ConsoleVisit, ConsoleForm) async throws -> Response
    ) async throws -> Response {
        let visit = ConsoleVisit(request, session: consoleSession(request))
        guard let session = visit.session else {
            return ConsoleResponse.html(
                ConsoleLayout.page(
                    visit.t("请先登录", "Please sign in"), section: .signIn, visit: visit,
                    content: "<p><a href=\"/console/signin\">\(visit.t("登录", "Sign in"))</a></p>"), status: .forbidden)
        }
        let body = try await request.body.collect(upTo: maxBytes)
        guard let form = ConsoleForm.parse(contentType: request.headers[.contentType], body: Data(body.readableBytesView)),
            ConsoleSessions.tokensMatch(form["_csrf"], session.csrfToken)
        else {
            logger.warning(
                "console form without a valid CSRF token refused", metadata: ["operator": "\(session.operatorName)", "path": "\(visit.path)"])
            return ConsoleResponse.html(
                ConsoleLayout.page(
                    visit.t("请求无效", "Invalid request"), section: .none, visit: visit,
                    content:
                        "<p class=\"alert\">\(visit.t("表单已过期或来源不明，请返回后重试。", "The form has expired or did not come from this console; go back and try again."))</p>"
                ), status: .forbidden)
        }
        return try await perform(visit, form)
    }

    /// The live session of the request's cookie.
    func consoleSession(_ request: Request) -> ConsoleSessions.Session? {
        request.cookies[ConsoleSessions.cookieName].flatMap { consoleSessions.session(id: $0.value) }
    }

    func notFoundPage(_ visit: ConsoleVisit, _ message: String) -> Response {
        ConsoleResponse.html(
            ConsoleLayout.page(visit.t("未找到", "Not found"), section: .none, visit: visit, content: "<p class=\"alert\">\(message)</p>"),
            status: .notFound)
    }

    // MARK: - Sign-in

    /// The sign-in form. Its CSRF token lives in a short-lived cookie until there is a session (login CSRF).
    func signInForm(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let visit = ConsoleVisit(request, session: nil)
        let token = ConsoleSessions.randomToken()
        let next = Self.safeNext(visit.parameter("next"))
        let problem: HTML = error.map { "<p class=\"alert\">\($0)</p>" } ?? .empty
        let content: HTML = """
            \(problem)
            <form method="post" action="/console/signin" class="filters">
            <input type="hidden" name="_csrf" value="\(token)">
            <input type="hidden" name="next" value="\(next)">
            <label>\(visit.t("运维令牌", "Operator token")) <input type="password" name="token" autocomplete="current-password" required size="48"></label>
            <button type="submit">\(visit.t("登录", "Sign in"))</button>
            </form>
            <p class="muted">\(visit.t("令牌由管理员用 credit-gateway token create 生成，配置中只保存其 SHA-256。", "Tokens come from credit-gateway token create; the configuration keeps only their SHA-256."))</p>
            """
        var cookies = [
            Cookie(
                name: ConsoleSessions.signInCookieName, value: token, maxAge: 1800, path: "/console/signin", secure: secureCookies, httpOnly: true,
                sameSite: .strict)
        ]
        if visit.languageChosen { cookies.append(languageCookie(visit.language)) }
        return ConsoleResponse.html(
            ConsoleLayout.page(visit.t("登录", "Sign in"), section: .signIn, visit: visit, content: content), status: status, cookies: cookies)
    }

    func signIn(_ request: Request) async throws -> Response {
        let visit = ConsoleVisit(request, session: nil)
        let body = try await request.body.collect(upTo: 16 << 10)
        guard let form = ConsoleForm.parse(contentType: request.headers[.contentType], body: Data(body.readableBytesView)),
            let expected = request.cookies[ConsoleSessions.signInCookieName]?.value,
            ConsoleSessions.tokensMatch(form["_csrf"], expected)
        else {
            return signInForm(request, error: visit.t("登录表单已过期，请重试。", "The sign-in form expired; try again."), status: .forbidden)
        }
        let token = form["token"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !token.isEmpty, let principal = configuration.operators.first(where: { Tokens.matches(token, sha256Hex: $0.tokenSHA256) }) else {
            logger.notice("console sign-in refused")
            return signInForm(request, error: visit.t("令牌无效。", "That token is not an operator's."), status: .unauthorized)
        }
        let session = consoleSessions.create(operatorName: principal.name)
        logger.notice("console sign-in", metadata: ["operator": "\(principal.name)"])
        return ConsoleResponse.redirect(
            Self.safeNext(form["next"]),
            cookies: [
                sessionCookie(session.id, maxAge: nil),
                Cookie(
                    name: ConsoleSessions.signInCookieName, value: "", maxAge: 0, path: "/console/signin", secure: secureCookies, httpOnly: true,
                    sameSite: .strict),
            ])
    }

    /// Only a console path is a place to return to: never another site (`//host`) or another scheme.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.hasPrefix("/console/signin")
        else { return "/console" }
        return next
    }

    // MARK: - Cookies

    var secureCookies: Bool { configuration.server.tls != nil }

    func sessionCookie(_ value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: ConsoleSessions.cookieName, value: value, maxAge: maxAge, path: "/console", secure: secureCookies, httpOnly: true, sameSite: .strict
        )
    }

    func languageCookie(_ language: ConsoleLanguage) -> Cookie {
        Cookie(
            name: ConsoleLanguage.cookieName, value: language.rawValue, maxAge: 365 * 86400, path: "/console", secure: secureCookies, httpOnly: true,
            sameSite: .strict)
    }
}
