import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A signed-in console session over HTTP, the way a browser holds it: the session cookie and the CSRF token of its
/// forms.
struct ConsoleLogin: Sendable {
    var cookie: String
    var csrf: String

    var headers: HTTPFields { [.cookie: cookie] }

    func formHeaders(_ extra: String = "") -> HTTPFields {
        [.cookie: cookie + extra, .contentType: "application/x-www-form-urlencoded"]
    }

    /// Signs in through the form: GET the form (its CSRF cookie and field), POST the operator token.
    static func signIn(_ client: any TestClientProtocol, token: String = GatewayTestHarness.operatorToken) async throws -> ConsoleLogin {
        let form = try await client.execute(uri: "/console/signin", method: .get)
        let signInCookie = try #require(cookie(ConsoleLoginNames.signIn, in: form.headers))
        let csrf = try #require(hiddenField("_csrf", in: String(buffer: form.body)))
        let answer = try await client.execute(
            uri: "/console/signin", method: .post,
            headers: [.cookie: "\(ConsoleLoginNames.signIn)=\(signInCookie)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "_csrf=\(csrf)&token=\(token)&next=%2Fconsole"))
        #expect(answer.status == .seeOther)
        let session = try #require(cookie(ConsoleLoginNames.session, in: answer.headers))
        let dashboard = try await client.execute(uri: "/console", method: .get, headers: [.cookie: "\(ConsoleLoginNames.session)=\(session)"])
        #expect(dashboard.status == .ok)
        let sessionCSRF = try #require(hiddenField("_csrf", in: String(buffer: dashboard.body)))
        return ConsoleLogin(cookie: "\(ConsoleLoginNames.session)=\(session)", csrf: sessionCSRF)
    }

    /// The value a `Set-Cookie` header gives `name`.
    static func cookie(_ name: String, in headers: HTTPFields) -> String? {
        setCookie(name, in: headers).flatMap { header in
            header.split(separator: ";").first.map { String($0.dropFirst(name.count + 1)) }
        }
    }

    /// The whole `Set-Cookie` header for `name`, attributes included.
    static func setCookie(_ name: String, in headers: HTTPFields) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
    }

    static func hiddenField(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

enum ConsoleLoginNames {
    static let session = "cg_session"
    static let signIn = "cg_signin"
}
