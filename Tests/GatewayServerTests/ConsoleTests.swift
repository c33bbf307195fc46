import ExchangeStandard
import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Store
import Testing

@Suite("The operators' console over HTTP: sign-in, session, CSRF, escaping, language")
struct ConsoleTests {
    /// zj-mining's sample with a title a hostile department system might send.
    static let hostileTitle = "<script>window.__xss=1</script>长兴县某建筑用石料矿采矿权挂牌出让公告"

    static func hostile(_ text: String) -> String {
        text.replacingOccurrences(
            of: "<ns2:title>长兴县某建筑用石料矿采矿权挂牌出让公告</ns2:title>",
            with: "<ns2:title>&lt;script&gt;window.__xss=1&lt;/script&gt;长兴县某建筑用石料矿采矿权挂牌出让公告</ns2:title>")
    }

    @Test("pages need a session: a visitor is sent to sign in, then back; a wrong token is refused")
    func signIn() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let anonymous = try await client.execute(uri: "/console/dead-letters?source=nb-gpp", method: .get)
            #expect(anonymous.status == .seeOther)
            let location = try #require(anonymous.headers[.location].flatMap(URLComponents.init(string:)))
            #expect(location.path == "/console/signin")
            #expect(location.queryItems?.first { $0.name == "next" }?.value == "/console/dead-letters?source=nb-gpp")

            let form = try await client.execute(uri: "/console/signin", method: .get)
            let csrf = try #require(ConsoleLogin.hiddenField("_csrf", in: String(buffer: form.body)))
            let signInCookie = try #require(ConsoleLogin.cookie(ConsoleLoginNames.signIn, in: form.headers))
            let wrong = try await client.execute(
                uri: "/console/signin", method: .post,
                headers: [.cookie: "cg_signin=\(signInCookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&token=token-nb-gpp"))
            #expect(wrong.status == .unauthorized)
            #expect(ConsoleLogin.cookie(ConsoleLoginNames.session, in: wrong.headers) == nil)
            // Without the form's cookie (a form posted from another site) nobody is signed in, whatever the token.
            let forged = try await client.execute(
                uri: "/console/signin", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&token=\(GatewayTestHarness.operatorToken)"))
            #expect(forged.status == .forbidden)

            let good = try await client.execute(
                uri: "/console/signin", method: .post,
                headers: [.cookie: "cg_signin=\(signInCookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&token=\(GatewayTestHarness.operatorToken)&next=%2Fconsole%2Fbatches"))
            #expect(good.status == .seeOther && good.headers[.location] == "/console/batches")
            let session = try #require(ConsoleLogin.setCookie(ConsoleLoginNames.session, in: good.headers))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/console"))
            let id = try #require(ConsoleLogin.cookie(ConsoleLoginNames.session, in: good.headers))
            #expect(id.count >= 43)

            // An off-site `next` is not followed.
            for next in ["%2F%2Fevil.example%2Fconsole", "https%3A%2F%2Fevil.example%2F", "%2Fconsole%5C..%5Cevil"] {
                let elsewhere = try await client.execute(
                    uri: "/console/signin", method: .post,
                    headers: [.cookie: "cg_signin=\(signInCookie)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "_csrf=\(csrf)&token=\(GatewayTestHarness.operatorToken)&next=\(next)"))
                #expect(elsewhere.headers[.location] == "/console", "\(next)")
            }

            let page = try await client.execute(uri: "/console/batches", method: .get, headers: [.cookie: "cg_session=\(id)"])
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("<html lang=\"zh-CN\">") && html.contains("批次"))

            let signOut = try await client.execute(
                uri: "/console/signout", method: .post, headers: [.cookie: "cg_session=\(id)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(try #require(ConsoleLogin.hiddenField("_csrf", in: html)))"))
            #expect(signOut.status == .seeOther)
            let after = try await client.execute(uri: "/console", method: .get, headers: [.cookie: "cg_session=\(id)"])
            #expect(after.status == .seeOther)
        }
    }

    @Test("every console action needs the session's CSRF token")
    func csrf() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let login = try await ConsoleLogin.signIn(client)
            for body in ["id=1", "_csrf=wrong&id=1", "_csrf=&id=1"] {
                let refused = try await client.execute(
                    uri: "/console/dead-letters/replay", method: .post, headers: login.formHeaders(), body: ByteBuffer(string: body))
                #expect(refused.status == .forbidden, "\(body)")
            }
            let accepted = try await client.execute(
                uri: "/console/dead-letters/replay", method: .post, headers: login.formHeaders(), body: ByteBuffer(string: "_csrf=\(login.csrf)&id=1")
            )
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.location] == "/console/dead-letters?replayed=0")
            // Without a session there is nothing to act for.
            let anonymous = try await client.execute(
                uri: "/console/dead-letters/replay", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(login.csrf)&id=1"))
            #expect(anonymous.status == .forbidden)
        }
    }

    @Test("what a department sent is shown as text: a <script> title is escaped on the record, batch and preview pages")
    func escaping() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let receipt = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml", edit: Self.hostile)
            let accepted = try #require(receipt["accepted"] as? [[String: Any]])
            let hostile = try #require(accepted.first { $0["sourceRecordId"] as? String == "MR-2024-0112" }?["recordId"] as? String)
            let login = try await ConsoleLogin.signIn(client)
            let record = String(buffer: try await client.execute(uri: "/console/records/\(hostile)", method: .get, headers: login.headers).body)
            #expect(record.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;长兴县"))
            #expect(!record.contains("<script"))

            let sample = String(buffer: try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml"))
            let preview = try await client.execute(
                uri: "/console/preview", method: .post, headers: login.formHeaders(),
                body: ByteBuffer(string: "_csrf=\(login.csrf)&source=zj-mining&xml=\(Self.formEncoded(Self.hostile(sample)))"))
            let previewHTML = String(buffer: preview.body)
            #expect(preview.status == .ok)
            #expect(previewHTML.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"))
            #expect(!previewHTML.contains("<script"))
        }
    }

    @Test("Chinese by default; ?lang=en switches to English and is remembered")
    func language() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let login = try await ConsoleLogin.signIn(client)
            let chinese = String(buffer: try await client.execute(uri: "/console", method: .get, headers: login.headers).body)
            #expect(chinese.contains("<h1>概览</h1>"))
            let switched = try await client.execute(uri: "/console?lang=en", method: .get, headers: login.headers)
            #expect(String(buffer: switched.body).contains("<h1>Dashboard</h1>"))
            let remembered = try #require(ConsoleLogin.cookie("cg_lang", in: switched.headers))
            #expect(remembered == "en")
            let english = String(
                buffer: try await client.execute(uri: "/console/dead-letters", method: .get, headers: [.cookie: "\(login.cookie); cg_lang=en"]).body)
            #expect(english.contains("<h1>Dead letters</h1>") && english.contains("<html lang=\"en\">"))
        }
    }

    @Test("the preview maps an uploaded GB18030 file with the loaded mapping and stores nothing")
    func previewUpload() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            let login = try await ConsoleLogin.signIn(client)
            let file = try GatewayTestHarness.sample("hz-housing", "batch-20241008-001.xml")
            let boundary = "----console-test-boundary"
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(login.csrf)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nhz-housing\r\n")
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch.xml\"\r\nContent-Type: text/xml\r\n\r\n")
            body.writeImmutableBuffer(file)
            body.writeString("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"xml\"\r\n\r\n\r\n--\(boundary)--\r\n")
            let answer = try await client.execute(
                uri: "/console/preview", method: .post, headers: [.cookie: login.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                body: body)
            #expect(answer.status == .ok)
            let html = String(buffer: answer.body)
            #expect(html.contains("id=\"preview-accepted\">3<") && html.contains("id=\"preview-rejected\">2<"), "\(html.suffix(3000))")
            #expect(html.contains("FP-2024-0399") && html.contains("unknown_code"))
            // The GB18030 bytes were decoded by the XML parser, not as UTF-8.
            #expect(html.contains("望江公租房2024年第三批分配结果公示"))
            #expect(try await harness.store.batches(BatchListQuery()).isEmpty)
        }
    }

    @Test("GET /v1/batches lists batches newest first with their receipt counts, for operators")
    func batchList() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            _ = try await GatewayTestHarness.post(client, "zj-mining", "push-20241112-0001.xml")
            let second = try await GatewayTestHarness.post(client, "nb-gpp", "NBZC-2024-1120-01.xml")
            let refused = try await client.execute(uri: "/v1/batches", method: .get)
            #expect(refused.status == .unauthorized)
            let listed = try await client.execute(
                uri: "/v1/batches?limit=10", method: .get, headers: GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken))
            let batches = try #require(try GatewayTestHarness.json(listed.body)["batches"] as? [[String: Any]])
            #expect(batches.map { $0["sourceSystem"] as? String } == ["nb-gpp", "zj-mining"])
            #expect(batches[0]["batchId"] as? String == second["batchId"] as? String)
            #expect(batches[0]["accepted"] as? Int == (second["accepted"] as? [Any])?.count)
            #expect((batches[1]["rejectionsByRule"] as? [String: Int])?["regionCode.length"] == 1)
        }
    }

    @Test("the timeliness page counts each department's first disclosures and late ones as the store has them, with a chart each")
    func timeliness() async throws {
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.live { client in
            for (system, file) in [
                ("zj-mining", "push-20241112-0001.xml"), ("nb-gpp", "NBZC-2024-1120-01.xml"), ("hz-housing", "batch-20241008-001.xml"),
            ] {
                _ = try await GatewayTestHarness.post(client, system, file)
            }
            let year = LocalDate(year: 2024, month: 1, day: 1)!...LocalDate(year: 2024, month: 12, day: 31)!
            let firsts = try await harness.store.firstVersions(TimelinessQuery(formedOn: year))
            var expected: [String: (total: Int, late: Int)] = [:]
            for row in firsts {
                let entry = expected[row.responsibleName] ?? (0, 0)
                expected[row.responsibleName] = (entry.total + 1, entry.late + (row.late ? 1 : 0))
            }
            #expect(expected.values.contains { $0.late > 0 })
            let login = try await ConsoleLogin.signIn(client)
            let html = String(
                buffer: try await client.execute(uri: "/console/timeliness?from=2024-01&to=2024-12", method: .get, headers: login.headers).body)
            for (department, counts) in expected {
                #expect(
                    html.contains(
                        "<tr data-department=\"\(department)\"><td>\(department)</td><td class=\"n total\">\(counts.total)</td><td class=\"n late\">\(counts.late)</td>"
                    ),
                    "\(department)")
            }
            #expect(html.components(separatedBy: "<svg ").count - 1 == expected.count)
        }
    }

    @Test func htmlEscapingCoversMarkupAndAttributes() {
        #expect(HTMLEscaping.escape(#"<a href="x" onclick='y'>&</a>"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        let title = "<b>"
        let fragment: HTML = "<td title=\"\(title)\">\(title)</td>\(HTML(unsafeMarkup: "<br>"))"
        #expect(fragment.markup == "<td title=\"&lt;b&gt;\">&lt;b&gt;</td><br>")
    }

    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")) ?? ""
    }
}
