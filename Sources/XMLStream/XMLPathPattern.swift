/// Where records stand in a document: a path of element names from the root.
///
/// `child` steps must follow each other directly; a `descendant` step may skip any number of levels
/// (`//Bulletin`). A local name of `*` matches any element in the step's namespace, or any element at
/// all when the namespace is `*` too.
public struct XMLPathPattern: Hashable, Sendable, CustomStringConvertible {
    public enum Step: Hashable, Sendable {
        case child(XMLQualifiedName)
        case descendant(XMLQualifiedName)

        public var name: XMLQualifiedName {
            switch self {
            case .child(let name), .descendant(let name): name
            }
        }
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    public var description: String {
        steps.map { step in
            switch step {
            case .child(let name): "/\(name)"
            case .descendant(let name): "//\(name)"
            }
        }.joined()
    }

    static func nameMatches(_ pattern: XMLQualifiedName, _ name: XMLQualifiedName) -> Bool {
        (pattern.namespaceURI == "*" || XMLQualifiedName.sameCodePoints(pattern.namespaceURI, name.namespaceURI))
            && (pattern.localName == "*" || XMLQualifiedName.sameCodePoints(pattern.localName, name.localName))
    }

    /// Whether an element whose open ancestors (root first) and own name are `path` stands where this pattern points.
    public func matches(_ path: [XMLQualifiedName]) -> Bool {
        Self.match(steps[...], path[...])
    }

    private static func match(_ steps: ArraySlice<Step>, _ path: ArraySlice<XMLQualifiedName>) -> Bool {
        guard let step = steps.first else { return path.isEmpty }
        switch step {
        case .child(let name):
            guard let head = path.first, nameMatches(name, head) else { return false }
            return match(steps.dropFirst(), path.dropFirst())
        case .descendant(let name):
            var rest = path
            while let head = rest.first {
                if nameMatches(name, head), match(steps.dropFirst(), rest.dropFirst()) { return true }
                rest = rest.dropFirst()
            }
            return false
        }
    }
}
