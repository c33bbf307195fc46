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

/// The scope a path is evaluated in: a record's tree, the context element and the bound variables.
public struct PathScope: Sendable {
    public let tree: RecordTree
    public var context: Int32
    public var variables: [String: [PathItem]]

    public init(tree: RecordTree, context: Int32, variables: [String: [PathItem]] = [:]) {
        self.tree = tree
        self.context = context
        self.variables = variables
    }

    /// The record of `tree` as context, bound to `$record`.
    public init(record tree: RecordTree) {
        self.init(tree: tree, context: tree.record, variables: ["record": [.element(tree.record)]])
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
            if let single = singleChildChain(from: scope.context, in: tree) { return single }
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

    /// Follows a path of child steps without predicates when each step selects at most one element,
    /// or the last step selects text; nil when the path is not of that shape or a step selects several.
    private func singleChildChain(from context: Int32, in tree: RecordTree) -> [PathItem]? {
        var node = context
        for (offset, step) in steps.enumerated() {
            guard step.predicates.isEmpty else { return nil }
            switch step.test {
            case .element:
                guard step.axis == .child else { return nil }
                var found: Int32 = -1
                var child = tree.firstChild(node)
                while child >= 0 {
                    if Self.matches(step, tree, child) {
                        guard found < 0 else { return nil }
                        found = child
                    }
                    child = tree.nextSibling(child)
                }
                guard found >= 0 else { return [] }
                node = found
            case .selfNode:
                continue
            case .attribute, .nameFunction, .textFunction:
                guard offset == steps.count - 1 else { return nil }
                var result: [PathItem] = []
                Self.apply(step, to: node, scope: nil, tree: tree, into: &result)
                return result
            case .parent:
                guard let parent = tree.parent(node) else { return [] }
                node = parent
            }
        }
        return [.element(node)]
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
