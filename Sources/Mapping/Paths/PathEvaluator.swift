import ExchangeStandard
import XMLStream

/// What a path selects: elements of a `RecordTree`, or text (attribute values, `name()`, `text()`).
public enum PathItem: Sendable {
    case element(Int32)
    case text(String, owner: Int32)

    /// The element the value came from (an attribute's owner), for positions and relative sub-paths.
    public var owner: Int32 {
        switch self {
        case .element(let node): node
        case .text(_, let owner): owner
        }
    }
}

/// Variables bound in a scope: `$record` and the names `forEach … as:` binds.
///
/// A scope is made for every record and copied for every group instance and unit lookup; a dictionary
/// here allocated (and was retained and released) on each of those (make bench-profile), so `$record`
/// is a plain node and the few other bindings a short list.
public struct PathVariables: Sendable {
    /// The node `$record` names, unless a binding of that name overrides it; -1 when unbound.
    var record: Int32 = -1
    private var bindings: [(name: String, items: [PathItem])] = []

    public init() {}

    public subscript(name: String) -> [PathItem]? {
        get {
            for binding in bindings.reversed() where binding.name == name { return binding.items }
            if record >= 0 && name == "record" { return [.element(record)] }
            return nil
        }
        set {
            bindings.removeAll { $0.name == name }
            if name == "record" && newValue == nil { record = -1 }
            if let newValue { bindings.append((name, newValue)) }
        }
    }
}

/// The scope a path is evaluated in: a record's tree, the context element and the bound variables.
public struct PathScope: Sendable {
    public let tree: RecordTree
    public var context: Int32
    public var variables: PathVariables

    public init(tree: RecordTree, context: Int32, variables: [String: [PathItem]] = [:]) {
        self.tree = tree
        self.context = context
        self.variables = PathVariables()
        for (name, items) in variables { self.variables[name] = items }
    }

    /// The record of `tree` as context, bound to `$record`.
    public init(record tree: RecordTree) {
        self.init(tree: tree, context: tree.record)
        variables.record = tree.record
    }

    public func with(context: Int32) -> PathScope {
        var copy = self
        copy.context = context
        return copy
    }

    /// The XPath string value of an item: an element's text including its descendants.
    public func stringValue(_ item: PathItem) -> String {
        switch item {
        case .element(let node): tree.stringValue(node)
        case .text(let text, _): text
        }
    }
}

extension PathExpression {
    /// Every item the path selects, in document order.
    public func evaluate(in scope: PathScope) -> [PathItem] {
        let tree = scope.tree
        var items: [PathItem]
        var remaining = steps[...]
        switch start {
        case .context:
            // The usual shape, `a/b/c` from the record: children by name, no predicates, no arrays between steps.
            switch singleSelection(in: scope) {
            case .notSingle: break
            case .nothing: return []
            case .one(let item): return [item]
            }
            items = [.element(scope.context)]
        case .variable(let name):
            items = scope.variables[name] ?? []
        case .root:
            guard let first = remaining.first else { return [] }
            let root = tree.root
            var candidates: [Int32]
            switch first.axis {
            case .child, .ancestor: candidates = [root]
            case .descendant:
                candidates = [root]
                Self.appendDescendants(of: root, in: tree, to: &candidates)
            }
            candidates = candidates.filter { Self.matches(first, tree, $0) }
            items = Self.applyPredicates(first.predicates, to: candidates.map { .element($0) }, scope: scope)
            remaining = remaining.dropFirst()
        }
        for step in remaining {
            var next: [PathItem] = []
            for case .element(let node) in items {
                Self.apply(step, to: node, scope: scope, into: &next)
            }
            items = next
        }
        return items
    }

    /// The string values of what the path selects.
    public func strings(in scope: PathScope) -> [String] {
        evaluate(in: scope).map(scope.stringValue)
    }

    /// What a path of single child steps selects, without arrays: the usual shape of a field's path.
    public enum SingleSelection {
        /// The path has another shape, or a step selects several elements: evaluate it in full.
        case notSingle
        case nothing
        case one(PathItem)
    }

    /// Follows a path of child steps without predicates when each step selects at most one element,
    /// or the last step selects text (one attribute, `name()`, `text()`).
    public func singleSelection(in scope: PathScope) -> SingleSelection {
        if let route, let selection = route.select(in: scope) { return selection }
        guard case .context = start else { return .notSingle }
        let tree = scope.tree
        var node = scope.context
        for (offset, step) in steps.enumerated() {
            guard step.predicates.isEmpty else { return .notSingle }
            switch step.test {
            case .element:
                guard step.axis == .child else { return .notSingle }
                var found: Int32 = -1
                var child = tree.firstChild(node)
                while child >= 0 {
                    if Self.matches(step, tree, child) {
                        guard found < 0 else { return .notSingle }
                        found = child
                    }
                    child = tree.nextSibling(child)
                }
                guard found >= 0 else { return .nothing }
                node = found
            case .selfNode:
                continue
            case .attribute(let name):
                guard offset == steps.count - 1, name.localName != "*" else { return .notSingle }
                return tree.attribute(name, of: node).map { .one(.text($0, owner: node)) } ?? .nothing
            case .nameFunction:
                guard offset == steps.count - 1 else { return .notSingle }
                return .one(.text(tree.name(node).localName, owner: node))
            case .textFunction:
                guard offset == steps.count - 1 else { return .notSingle }
                return .one(.text(tree.ownText(node), owner: node))
            case .parent:
                guard let parent = tree.parent(node) else { return .nothing }
                node = parent
            }
        }
        return .one(.element(node))
    }

    private static func apply(_ step: Step, to node: Int32, scope: PathScope, into result: inout [PathItem]) {
        apply(step, to: node, scope: scope, tree: scope.tree, into: &result)
    }

    /// `scope` may be nil only for steps without predicates.
    private static func apply(_ step: Step, to node: Int32, scope: PathScope?, tree: RecordTree, into result: inout [PathItem]) {
        var selected: [PathItem] = []
        switch step.test {
        case .selfNode:
            selected = [.element(node)]
        case .parent:
            selected = tree.parent(node).map { [.element($0)] } ?? []
        case .nameFunction:
            result.append(.text(tree.name(node).localName, owner: node))
            return
        case .textFunction:
            result.append(.text(tree.ownText(node), owner: node))
            return
        case .attribute(let name):
            let wildcard = name.localName == "*"
            for attribute in tree.attributes(of: node)
            where (wildcard || XMLQualifiedName.sameCodePoints(attribute.name.localName, name.localName))
                && XMLQualifiedName.sameCodePoints(attribute.name.namespaceURI, name.namespaceURI)
            {
                result.append(.text(attribute.value, owner: node))
            }
            return
        case .element:
            switch step.axis {
            case .child:
                var child = tree.firstChild(node)
                while child >= 0 {
                    if matches(step, tree, child) { selected.append(.element(child)) }
                    child = tree.nextSibling(child)
                }
            case .descendant:
                var descendants: [Int32] = []
                appendDescendants(of: node, in: tree, to: &descendants)
                for candidate in descendants where matches(step, tree, candidate) { selected.append(.element(candidate)) }
            case .ancestor:
                var cursor = tree.parent(node)
                while let candidate = cursor {
                    if matches(step, tree, candidate) {
                        selected = [.element(candidate)]
                        break
                    }
                    cursor = tree.parent(candidate)
                }
            }
        }
        if step.predicates.isEmpty || scope == nil {
            result.append(contentsOf: selected)
        } else {
            result.append(contentsOf: applyPredicates(step.predicates, to: selected, scope: scope!))
        }
    }

    private static func applyPredicates(_ predicates: [Predicate], to items: [PathItem], scope: PathScope) -> [PathItem] {
        var items = items
        for predicate in predicates {
            switch predicate {
            case .position(let position):
                items = position <= items.count ? [items[position - 1]] : []
            case .equals(let left, let right):
                items = items.filter { item in
                    let local = scope.with(context: item.owner)
                    let leftValues = Set(left.strings(in: local).map(\.trimmingWhitespace))
                    switch right {
                    case .literal(let literal):
                        return leftValues.contains(literal)
                    case .path(let path):
                        return path.strings(in: local).contains { leftValues.contains($0.trimmingWhitespace) }
                    }
                }
            }
        }
        return items
    }

    /// Whether the element at `node` passes an element step's name test.
    static func matches(_ step: Step, _ tree: RecordTree, _ node: Int32) -> Bool {
        if step.nameID >= 0 && step.nameID < tree.registryGeneration { return tree.nameID(node) == step.nameID }
        guard case .element(let name) = step.test else { return false }
        return nameTest(name, tree.name(node))
    }

    static func nameTest(_ name: XMLQualifiedName, _ actual: XMLQualifiedName) -> Bool {
        (name.localName == "*" || XMLQualifiedName.sameCodePoints(name.localName, actual.localName))
            && (name.namespaceURI == "*" || XMLQualifiedName.sameCodePoints(name.namespaceURI, actual.namespaceURI))
    }

    static func appendDescendants(of node: Int32, in tree: RecordTree, to result: inout [Int32]) {
        var child = tree.firstChild(node)
        while child >= 0 {
            result.append(child)
            appendDescendants(of: child, in: tree, to: &result)
            child = tree.nextSibling(child)
        }
    }
}

extension String {
    /// Trims ASCII and ideographic whitespace (U+3000), which department systems pad values with.
    var trimmingWhitespace: String {
        // Nothing to trim, judged by the first and last characters' lead bytes: the string itself.
        if !mayHaveEdgeWhitespace { return self }
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.value < 0x80 { return scalar.value == 0x20 || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
            // Below U+0085 nothing is whitespace; letters and CJK are the usual first and last characters.
            if scalar.value < 0x85 || (scalar.value >= 0x3400 && scalar.value < 0xFE00) { return false }
            return scalar.properties.isWhitespace || scalar == "\u{3000}" || scalar == "\u{FEFF}"
        }
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        // Nothing to trim, the usual case: the string itself, not a copy.
        if start == scalars.startIndex && end == scalars.endIndex { return self }
        return String(scalars[start..<end])
    }
}
