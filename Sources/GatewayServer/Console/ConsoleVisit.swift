import Foundation
import Hummingbird

/// One request to the console as the pages see it: who is signed in, in which language, and where.
struct ConsoleVisit: Sendable {
    var language: ConsoleLanguage
    /// The request named a language (`?lang=`): the answer remembers it in a cookie.
    var languageChosen: Bool
    var session: ConsoleSessions.Session?
    var path: String
    var query: [String: String]

    init(_ request: Request, session: ConsoleSessions.Session?) {
        (language, languageChosen) = ConsoleLanguage.of(request)
        self.session = session
        path = request.uri.path
        query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
    }

    func t(_ chinese: String, _ english: String) -> String {
        language.t(chinese, english)
    }

    /// A query parameter, nil when absent or empty.
    func parameter(_ name: String) -> String? {
        query[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// This page in the other language.
    var otherLanguageHref: String {
        var items = query.filter { $0.key != "lang" }.map { URLQueryItem(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
        items.append(URLQueryItem(name: "lang", value: language == .english ? "zh" : "en"))
        return ConsoleLinks.path(path, items)
    }

    /// The hidden field every POST form of the session carries.
    var csrfField: HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(session?.csrfToken ?? "")\">"
    }
}

/// Console URLs, with every component percent-encoded (ids and filters come from outside).
enum ConsoleLinks {
    static func path(_ path: String, _ items: [URLQueryItem] = []) -> String {
        let kept = items.filter { !($0.value ?? "").isEmpty }
        guard !kept.isEmpty else { return path }
        return path + "?" + kept.map { "\(queryComponent($0.name))=\(queryComponent($0.value ?? ""))" }.joined(separator: "&")
    }

    /// Percent-encodes all but unreserved characters and `/`: `&`, `=`, `+`, `?` and `#` inside a value stay data.
    static func queryComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: "/"))) ?? ""
    }

    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// RFC 3986's unreserved characters, ASCII only (`CharacterSet.alphanumerics` would let Chinese through unencoded).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func record(_ id: String) -> String { "/console/records/\(segment(id))" }
    static func batch(_ id: String) -> String { "/console/batches/\(segment(id))" }
}
