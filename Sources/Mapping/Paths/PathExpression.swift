import XMLStream

/// A path into a record's element tree: the small XPath subset integrators write in mapping files.
///
/// Grammar (whitespace not allowed inside a path):
/// - `a/b/c` children, `a//b` descendants, `@attr` attributes, `.` the context, `..` its parent,
///   `*` any element, `name()` the element's local name, `text()` its own text;
/// - a leading `/` starts at the document root, `$name` at a bound variable (`$record`, a `forEach`'s `as`),
///   `ancestor::Name` at the nearest enclosing element of that name (the project around a bulletin);
/// - predicates: `[2]` (1-based position), `[@attr='v']`, `[child='v']`, `[@attr=$var/@x]`.
/// Names take the file's `namespaces:` prefixes; unprefixed element names take `defaultNamespace`,
/// unprefixed attributes never do (XML Namespaces 1.0).
public struct PathExpression: Hashable, Sendable, CustomStringConvertible {
    public enum Start: Hashable, Sendable {
        case context
        case root
        case variable(String)
    }

    public enum Axis: Hashable, Sendable {
        case child
        case descendant
        case ancestor
    }

    public enum Test: Hashable, Sendable {
        case element(XMLQualifiedName)
        case attribute(XMLQualifiedName)
        case selfNode
        case parent
        case nameFunction
        case textFunction
    }

    public indirect enum Predicate: Hashable, Sendable {
        case position(Int)
        case equals(PathExpression, Operand)
    }

    public enum Operand: Hashable, Sendable {
        case literal(String)
        case path(PathExpression)
    }

    public struct Step: Hashable, Sendable {
        public var axis: Axis
        public var test: Test
        public var predicates: [Predicate]
        /// The element name's id in `NameRegistry`, or -1 for other tests and wildcard names.
        let nameID: Int32

        public init(axis: Axis, test: Test, predicates: [Predicate]) {
            self.axis = axis
            self.test = test
            self.predicates = predicates
            if case .element(let name) = test, name.localName != "*", name.namespaceURI != "*" {
                nameID = NameRegistry.shared.register(name)
            } else {
                nameID = -1
            }
        }

        /// A step with a given name id (tests: a step whose name the registry had no room for).
        init(axis: Axis, test: Test, predicates: [Predicate], nameID: Int32) {
            self.axis = axis
            self.test = test
            self.predicates = predicates
            self.nameID = nameID
        }
    }

    public let start: Start
    public let steps: [Step]
    public let text: String
    /// The steps as name ids, when the path has the usual shape (see `ChildRoute`).
    let route: ChildRoute?

    public init(start: Start, steps: [Step], text: String) {
        self.start = start
        self.steps = steps
        self.text = text
        route = ChildRoute(start: start, steps: steps)
    }

    public var description: String { text }

    /// Variables a path reads, so `mappings check` can flag unbound ones.
    public var variables: Set<String> {
        var names: Set<String> = []
        if case .variable(let name) = start { names.insert(name) }
        for step in steps {
            for case .equals(let left, let right) in step.predicates {
                names.formUnion(left.variables)
                if case .path(let path) = right { names.formUnion(path.variables) }
            }
        }
        return names
    }

    /// Whether every step selects elements (no attribute or function at the end): what `forEach`,
    /// record paths and redaction need.
    public var selectsElements: Bool {
        guard let last = steps.last else { return true }
        switch last.test {
        case .element, .selfNode, .parent: return true
        case .attribute, .nameFunction, .textFunction: return false
        }
    }
}
