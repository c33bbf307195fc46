import Yams

/// Walks a composed YAML document keeping positions, collecting diagnostics instead of stopping at
/// the first problem, so `mappings check` can report everything in one run.
///
/// Scalars are always read as their raw text: YAML 1.1 would turn an unquoted `no` or `off` into a boolean.
final class YAMLNodeReader {
    let file: String
    private(set) var diagnostics: [MappingDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    func report(_ code: String, _ message: String, at node: Node?, severity: MappingDiagnostic.Severity = .error) {
        diagnostics.append(MappingDiagnostic(code: code, message: message, location: location(node), severity: severity))
    }

    func report(_ code: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(MappingDiagnostic(code: code, message: message, location: location))
    }

    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    /// The entries of a mapping node, or nil (reported) when the node is something else.
    func entries(_ node: Node, what: String) -> [Entry]? {
        guard case .mapping(let mapping) = node else {
            report("type_error", "\(what) must be a mapping (key: value)", at: node)
            return nil
        }
        var seen: Set<String> = []
        var result: [Entry] = []
        for (keyNode, value) in mapping {
            guard let key = scalar(keyNode) else {
                report("type_error", "keys in \(what) must be plain text", at: keyNode)
                continue
            }
            if !seen.insert(key).inserted {
                report("duplicate_key", "'\(key)' appears twice in \(what)", at: keyNode)
            }
            result.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return result
    }

    func scalar(_ node: Node) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    func string(_ node: Node, what: String) -> String? {
        guard let text = scalar(node) else {
            report("type_error", "\(what) must be a single value", at: node)
            return nil
        }
        return text
    }

    func sequence(_ node: Node) -> [Node] {
        if case .sequence(let sequence) = node { return Array(sequence) }
        return [node]
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report("type_error", "\(what) must be true or false, not '\(text)'", at: node)
            return nil
        }
    }

    /// Reports keys outside `allowed`, suggesting the closest known one.
    func checkKeys(_ entries: [Entry], allowed: [String], what: String) {
        for entry in entries where !allowed.contains(entry.key) {
            let suggestion = Self.closest(to: entry.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            report("unknown_key", "unknown key '\(entry.key)' in \(what)\(suggestion)", at: entry.keyNode)
        }
    }

    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
