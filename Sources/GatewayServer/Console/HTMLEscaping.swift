/// The one place text becomes HTML.
///
/// Titles, names, values, reasons and ids come from department systems and receivers; any of them may hold
/// `<script>`. Console pages are built from ``HTML`` values whose string interpolation escapes every `String`
/// (and every other value) through ``escape(_:)``; only another ``HTML`` value is inserted as markup. So a page
/// cannot insert unescaped text by forgetting to call anything: markup has to be asked for by type.
public enum HTMLEscaping {
    /// Escapes `& < > " '`: safe in element content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

/// A fragment of markup. Interpolated strings are escaped; interpolated ``HTML`` is kept as markup.
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var markup: String

    /// Trusted markup written in the gateway's own source code: never pass data to it.
    public init(unsafeMarkup markup: String) {
        self.markup = markup
    }

    public init(stringLiteral value: String) {
        self.markup = value
    }

    public init(stringInterpolation: StringInterpolation) {
        self.markup = stringInterpolation.markup
    }

    /// Text shown as text.
    public init(text: String) {
        self.markup = HTMLEscaping.escape(text)
    }

    public var description: String { markup }

    public static let empty = HTML(unsafeMarkup: "")

    public static func + (left: HTML, right: HTML) -> HTML {
        HTML(unsafeMarkup: left.markup + right.markup)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity * 2)
        }

        public mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        public mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }

        public mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { markup += fragment.markup }
        }

        public mutating func appendInterpolation(_ text: String) {
            markup += HTMLEscaping.escape(text)
        }

        public mutating func appendInterpolation(_ text: String?) {
            markup += HTMLEscaping.escape(text ?? "")
        }

        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            markup += HTMLEscaping.escape(value.description)
        }
    }
}

extension Array where Element == HTML {
    /// The fragments one after the other.
    public func joined() -> HTML {
        HTML(unsafeMarkup: map(\.markup).joined())
    }
}
