import XMLStream

/// Resolves the prefixes a mapping file binds; unprefixed element names take the default namespace.
public struct NamespaceBindings: Hashable, Sendable {
    public var prefixes: [String: String]
    public var defaultNamespace: String

    public init(prefixes: [String: String] = [:], defaultNamespace: String = "") {
        self.prefixes = prefixes
        self.defaultNamespace = defaultNamespace
    }
}

/// Why a path could not be read, with the character offset where reading stopped.
public struct PathSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public var description: String { "\(message) (at character \(offset + 1))" }
}

/// Reads the path syntax documented on `PathExpression`.
public struct PathParser {
    private let characters: [Character]
    private var index = 0
    private let bindings: NamespaceBindings
    private let source: String

    public static func parse(_ text: String, bindings: NamespaceBindings) throws(PathSyntaxError) -> PathExpression {
        var parser = PathParser(text: text, bindings: bindings)
        let path = try parser.parsePath(stopAt: [])
        guard parser.atEnd else { throw parser.error("unexpected '\(parser.characters[parser.index])'") }
        return path
    }

    private init(text: String, bindings: NamespaceBindings) {
        self.characters = Array(text)
        self.bindings = bindings
        self.source = text
    }

    private var atEnd: Bool { index >= characters.count }
    private var current: Character? { atEnd ? nil : characters[index] }

    private func error(_ message: String) -> PathSyntaxError {
        PathSyntaxError(message: message, offset: index)
    }

    private func peek(_ text: String) -> Bool {
        let needle = Array(text)
        guard index + needle.count <= characters.count else { return false }
        return Array(characters[index..<index + needle.count]) == needle
    }

    private mutating func consume(_ text: String) -> Bool {
        guard peek(text) else { return false }
        index += text.count
        return true
    }

    private mutating func parsePath(stopAt terminators: Set<Character>) throws(PathSyntaxError) -> PathExpression {
        let startIndex = index
        var start = PathExpression.Start.context
        var steps: [PathExpression.Step] = []
        var nextAxis = PathExpression.Axis.child

        if consume("$") {
            let name = readName()
            guard !name.isEmpty else { throw error("a variable name must follow '$'") }
            start = .variable(name)
            if atEnd || terminators.contains(current!) {
                return PathExpression(start: start, steps: [], text: String(characters[startIndex..<index]))
            }
            guard consume("/") else { throw error("expected '/' after $\(name)") }
            if consume("/") { nextAxis = .descendant }
        } else if consume("//") {
            start = .root
            nextAxis = .descendant
        } else if consume("/") {
            start = .root
        }

        while true {
            steps.append(try parseStep(axis: nextAxis))
            if atEnd || terminators.contains(current!) { break }
            if consume("//") {
                nextAxis = .descendant
            } else if consume("/") {
                nextAxis = .child
            } else {
                throw error("expected '/' between steps, found '\(current!)'")
            }
        }
        for (position, step) in steps.enumerated() where position < steps.count - 1 {
            switch step.test {
            case .attribute, .nameFunction, .textFunction:
                throw PathSyntaxError(message: "attributes and name()/text() may only end a path", offset: startIndex)
            default: break
            }
        }
        return PathExpression(start: start, steps: steps, text: String(characters[startIndex..<index]))
    }

    private mutating func parseStep(axis: PathExpression.Axis) throws(PathSyntaxError) -> PathExpression.Step {
        var axis = axis
        let test: PathExpression.Test
        if consume("..") {
            test = .parent
        } else if consume(".") {
            test = .selfNode
        } else if consume("name()") {
            test = .nameFunction
        } else if consume("text()") {
            test = .textFunction
        } else if consume("@") {
            test = .attribute(try readQualifiedName(isAttribute: true))
        } else {
            if consume("ancestor::") {
                guard axis == .child else { throw error("ancestor:: cannot follow '//'") }
                axis = .ancestor
            }
            test = .element(try readQualifiedName(isAttribute: false))
        }
        var predicates: [PathExpression.Predicate] = []
        while consume("[") {
            predicates.append(try parsePredicate())
            guard consume("]") else { throw error("expected ']' to close the predicate") }
        }
        return PathExpression.Step(axis: axis, test: test, predicates: predicates)
    }

    private mutating func parsePredicate() throws(PathSyntaxError) -> PathExpression.Predicate {
        let digits = readWhile { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            guard let position = Int(digits), position >= 1 else { throw error("positions start at 1") }
            return .position(position)
        }
        let left = try parsePath(stopAt: ["=", "]"])
        guard consume("=") else { throw error("expected '=' in the predicate") }
        if let quote = current, quote == "'" || quote == "\"" {
            index += 1
            let literal = readWhile { $0 != quote }
            guard consume(String(quote)) else { throw error("unterminated string in the predicate") }
            return .equals(left, .literal(literal))
        }
        let right = try parsePath(stopAt: ["]"])
        return .equals(left, .path(right))
    }

    private mutating func readWhile(_ predicate: (Character) -> Bool) -> String {
        let begin = index
        while let character = current, predicate(character) { index += 1 }
        return String(characters[begin..<index])
    }

    private mutating func readName() -> String {
        readWhile { character in
            !"/[]@=:$'\"()* \t\n".contains(character)
        }
    }

    private mutating func readQualifiedName(isAttribute: Bool) throws(PathSyntaxError) -> XMLQualifiedName {
        if consume("*") {
            return XMLQualifiedName("*", namespaceURI: isAttribute ? "" : "*")
        }
        let first = readName()
        guard !first.isEmpty else { throw error(isAttribute ? "an attribute name must follow '@'" : "expected an element name") }
        if current == ":" && !peek("::") {
            index += 1
            let local: String
            if consume("*") { local = "*" } else { local = readName() }
            guard !local.isEmpty else { throw error("a local name must follow '\(first):'") }
            guard let uri = bindings.prefixes[first] else {
                throw PathSyntaxError(message: "namespace prefix '\(first)' is not bound in namespaces:", offset: index - local.count - 1)
            }
            return XMLQualifiedName(local, namespaceURI: uri)
        }
        return XMLQualifiedName(first, namespaceURI: isAttribute ? "" : bindings.defaultNamespace)
    }
}
