import Hummingbird
import Mapping

/// The console's language: Chinese unless the operator chose English.
///
/// `?lang=en` (or `?lang=zh`) on any page switches and is remembered in a cookie, so that links and form posts
/// need not carry it. Operators are provincial and city staff: Chinese is the default, not the browser's
/// `Accept-Language`, which on a government desktop is often an English-locale image.
enum ConsoleLanguage: String, Sendable {
    case chinese = "zh"
    case english = "en"

    static let cookieName = "cg_lang"

    /// The language a request asks for, and whether it asked explicitly (then the cookie is set).
    static func of(_ request: Request) -> (language: ConsoleLanguage, chosen: Bool) {
        if let asked = request.uri.queryParameters["lang"].flatMap({ ConsoleLanguage(rawValue: String($0)) }) {
            return (asked, true)
        }
        if let remembered = request.cookies[cookieName].flatMap({ ConsoleLanguage(rawValue: $0.value) }) {
            return (remembered, false)
        }
        return (.chinese, false)
    }

    /// Picks the text of this language.
    func t(_ chinese: String, _ english: String) -> String {
        self == .english ? english : chinese
    }

    var htmlLang: String { self == .english ? "en" : "zh-CN" }

    /// Messages of the mapping engine (rejection reasons) in this language.
    var messageLanguage: MessageLanguage { self == .english ? .english : .chinese }
}
