import ExchangeStandard
import Foundation

/// How one output value is computed: a source (path, constant, concatenation, first non-empty, cases)
/// followed by transforms applied in a fixed order (see `TransformChain`).
///
/// A class, immutable: every field of every record reads one, and copying a struct of this size
/// retained each of its parts (make bench-profile).
public final class ValueExpression: Sendable {
    public indirect enum Source: Sendable {
        case path(PathExpression)
        case constant(String)
        case concat([ValueExpression])
        case firstOf([ValueExpression])
        case cases([ConditionalValue], otherwise: ValueExpression?)
    }

    public let source: Source
    public let transforms: TransformChain
    public let location: SourceLocation
    /// The rule as traces name it (`file:line:column`), and the path text that fed the value: formatted
    /// once at load, not for every field of every record.
    public let traceRule: String
    public let sourceDescription: String
    /// The source path's `ChildRoute`, held here so that evaluating the expression does not copy the path.
    let route: ChildRoute?
    /// Whether `transforms` has a code table: asking the optional table copied it.
    let hasCodeTable: Bool

    public init(source: Source, transforms: TransformChain = TransformChain(), location: SourceLocation) {
        self.source = source
        self.transforms = transforms
        self.location = location
        self.traceRule = location.description
        self.sourceDescription = Self.describe(source)
        if case .path(let path) = source { route = path.route } else { route = nil }
        hasCodeTable = transforms.codeTable != nil
    }

    /// The path text for traces: what in the source document fed this value.
    private static func describe(_ source: Source) -> String {
        switch source {
        case .path(let path): path.text
        case .constant(let value): "'\(value)'"
        case .concat(let parts): "concat(" + parts.map(\.sourceDescription).joined(separator: ", ") + ")"
        case .firstOf(let parts): "first(" + parts.map(\.sourceDescription).joined(separator: ", ") + ")"
        case .cases: "cases"
        }
    }
}

public struct ConditionalValue: Sendable {
    public var condition: Condition
    public var value: ValueExpression
}

/// A test on the input: decides whether a record, group or case applies.
public indirect enum Condition: Sendable {
    case equals(ValueExpression, String)
    case oneOf(ValueExpression, [String])
    case exists(ValueExpression, Bool)
    case matches(ValueExpression, RegexPattern)
    case all([Condition])
    case any([Condition])
    case not(Condition)
}

/// A regular expression kept with its source text (NSRegularExpression is compiled once, at load).
public struct RegexPattern: @unchecked Sendable {
    public let pattern: String
    // NSRegularExpression is immutable and documented thread-safe; it just isn't marked Sendable.
    let compiled: NSRegularExpression

    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.compiled = try NSRegularExpression(pattern: pattern)
    }

    public func firstMatch(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = compiled.firstMatch(in: text, range: range) else { return nil }
        let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        guard group.location != NSNotFound, let swiftRange = Range(group, in: text) else { return nil }
        return String(text[swiftRange])
    }

    public func matches(_ text: String) -> Bool {
        compiled.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public func replacing(in text: String, with template: String) -> String {
        compiled.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}

/// The transforms of one value, applied in this order: trim, replace, regex, split, code, default, join,
/// conversion. A fixed order keeps mapping files declarative: integrators say what, not in which order.
/// `default` is therefore written in the source's format (a date default in the `date:` format).
public struct TransformChain: Sendable {
    public indirect enum Conversion: Sendable {
        /// Reads a date in any of the formats (`yyyyMMdd`, `yyyy年M月d日`, `rfc3339`, …).
        case date([DatePattern])
        /// Reads money; the unit comes from a sub-expression evaluated at the value's element (`@unit`),
        /// or a fixed default.
        case amount(unit: ValueExpression?, defaultUnit: AmountUnit?)
        case integer
        case decimal
        case boolean(trueValues: Set<String>, falseValues: Set<String>)
        /// `k1:v1;k2:v2` into an object.
        case pairs(separator: String, keyValue: String)
    }

    public var trim = true
    public var replacements: [(RegexPattern, String)] = []
    public var regex: RegexPattern?
    public var split: String?
    public var codeTable: CodeTable?
    /// Used when the code table has no entry for the value (instead of rejecting it).
    public var otherwise: String?
    public var conversion: Conversion?
    public var join: String?
    public var defaultValue: String?

    public init() {}
}

/// A code table: source codes to exchange codes (`FPJG` → `HOUSING.ALLOC_RESULT`).
public struct CodeTable: Sendable, Hashable {
    public var name: String
    public var entries: [String: String] {
        didSet { exactIndex = ExactTextIndex(entries) }
    }
    public var location: SourceLocation
    /// The entries by the exact bytes of their keys, for ``value(for:)``.
    private var exactIndex: ExactTextIndex

    public init(name: String, entries: [String: String], location: SourceLocation) {
        self.name = name
        self.entries = entries
        self.location = location
        exactIndex = ExactTextIndex(entries)
    }

    /// The entry for `text`: found by its bytes when they are a key's (or its NFC form's), else as `entries[text]`
    /// finds it (canonically equal text), unless the index can tell that no key is.
    public func value(for text: String) -> String? {
        switch exactIndex.lookup(text) {
        case .found(let value): value
        case .absent: nil
        case .unknown: entries[text]
        }
    }

    public static func == (lhs: CodeTable, rhs: CodeTable) -> Bool {
        lhs.name == rhs.name && lhs.entries == rhs.entries && lhs.location == rhs.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(entries)
        hasher.combine(location)
    }
}
