import ExchangeStandard

/// Field-level differences between two JSON values, as paths an integrator can read
/// (`hubRecord.amounts[1].value: expected "2138705000.00", got "213870.50"`).
public struct JSONDifference: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var expected: String
    public var actual: String

    public var description: String { "\(path): expected \(expected), got \(actual)" }

    public static func between(_ expected: JSONValue?, _ actual: JSONValue?, path: String = "") -> [JSONDifference] {
        switch (expected, actual) {
        case (.object(let left)?, .object(let right)?):
            return Set(left.keys).union(right.keys).sorted().flatMap { key in
                between(left[key], right[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.array(let left)?, .array(let right)?):
            return (0..<max(left.count, right.count)).flatMap { index in
                between(index < left.count ? left[index] : nil, index < right.count ? right[index] : nil, path: "\(path)[\(index)]")
            }
        default:
            if expected == actual { return [] }
            return [JSONDifference(path: path, expected: render(expected), actual: render(actual))]
        }
    }

    static func render(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "(absent)"
        case .string(let text)?: return "\"\(text)\""
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        case .null?: return "null"
        case .array(let items)?: return "[\(items.count) items]"
        case .object?: return "{…}"
        }
    }
}

extension JSONValue {
    /// The value at a fact path: `amounts[1].value`, `parties[role=中标候选人第1名项目负责人].idNumber`, `late`.
    public func value(at path: String) -> JSONValue? {
        var current: JSONValue? = self
        for segment in path.split(separator: ".", omittingEmptySubsequences: true) {
            var name = String(segment)
            var selector: String?
            if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
                selector = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = String(name[..<open])
            }
            guard case .object(let object)? = current else { return nil }
            current = object[name]
            if let selector {
                guard case .array(let items)? = current else { return nil }
                if let index = Int(selector) {
                    current = index < items.count ? items[index] : nil
                } else if let equals = selector.firstIndex(of: "=") {
                    let key = String(selector[..<equals])
                    let wanted = String(selector[selector.index(after: equals)...])
                    current = items.first { item in
                        if case .object(let fields) = item, let field = fields[key] { return field.plainText == wanted }
                        return false
                    }
                } else {
                    return nil
                }
            }
        }
        return current
    }

    /// Scalars as text (`2024-10-23`, `false`, `126`), for comparing facts written in YAML.
    public var plainText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .array, .object: nil
        }
    }
}
