import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How console pages answer: HTML with headers that keep the page self-contained and out of caches and frames.
enum ConsoleResponse {
    /// No external resource may load (the console runs on networks without internet), no script runs (the pages
    /// need none), forms post only back here, and no other site may frame the console.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var response = Response(
            status: status, headers: securityHeaders(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: page.markup)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// `303 See Other`: after a POST the browser GETs the result, so a reload does not repeat the action.
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var headers = securityHeaders(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        var response = Response(status: .seeOther, headers: headers)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    static func securityHeaders(contentType: String) -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType, .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return headers
    }
}
