import XMLStream

/// One enclosing element in an immutable chain: children of the same element share their parent's link, so
/// stepping down a tree costs one allocation per level instead of a copy of every ancestor per child.
public final class AncestorLink: Sendable {
    public let element: XMLElementNode
    public let parent: AncestorLink?

    init(element: XMLElementNode, parent: AncestorLink?) {
        self.element = element
        self.parent = parent
    }
}

/// An element together with the elements that enclose it, so `..` and `ancestor::` work on value trees
/// that hold no parent pointers.
public struct LocatedElement: Sendable {
    public var element: XMLElementNode
    let parentLink: AncestorLink?

    /// `ancestors` root first.
    public init(element: XMLElementNode, ancestors: [XMLElementNode]) {
        self.element = element
        self.parentLink = ancestors.reduce(nil) { AncestorLink(element: $1, parent: $0) }
    }

    init(element: XMLElementNode, parentLink: AncestorLink?) {
        self.element = element
        self.parentLink = parentLink
    }

    /// The enclosing elements, root first.
    public var ancestors: [XMLElementNode] {
        var chain: [XMLElementNode] = []
        var cursor = parentLink
        while let link = cursor {
            chain.append(link.element)
            cursor = link.parent
        }
        return chain.reversed()
    }

    var children: [LocatedElement] {
        let link = AncestorLink(element: element, parent: parentLink)
        return element.childElements.map { LocatedElement(element: $0, parentLink: link) }
    }

    /// The child elements whose names pass `test`, wrapped only once they match.
    func children(matching test: (XMLQualifiedName) -> Bool) -> [LocatedElement] {
        var link: AncestorLink?
        var result: [LocatedElement] = []
        for case .element(let child) in element.children where test(child.name) {
            if link == nil { link = AncestorLink(element: element, parent: parentLink) }
            result.append(LocatedElement(element: child, parentLink: link))
        }
        return result
    }

    var parent: LocatedElement? {
        parentLink.map { LocatedElement(element: $0.element, parentLink: $0.parent) }
    }

    /// A readable absolute location (`/BATCH/BODY/ROW/JLBH`), for traces.
    public var pathDescription: String {
        (ancestors + [element]).map { "/" + $0.name.localName }.joined()
    }
}

/// What a path selects: elements, or text (attribute values, `name()`, `text()`).
public enum PathItem: Sendable {
    case element(LocatedElement)
    case text(String, owner: LocatedElement)

    /// The XPath string value: an element's text including its descendants.
    public var stringValue: String {
        switch self {
        case .element(let located): located.element.deepText
        case .text(let text, _): text
        }
    }

    /// The element the value came from (an attribute's owner), for positions and relative sub-paths.
    public var owner: LocatedElement {
        switch self {
        case .element(let located): located
        case .text(_, let owner): owner
        }
    }
}

extension LocatedElement {
    /// The document as far as it is known around a record: the root with its captured content and,
    /// nested as the last child of each, the still-open ancestors, so absolute paths can pass through
    /// them (`/soap:Envelope/soap:Body/…/batchNo`).
    public static func contextTree(ancestors: [XMLElementNode]) -> XMLElementNode? {
        guard var node = ancestors.last else { return nil }
        for parent in ancestors.dropLast().reversed() {
            var copy = parent
            copy.children.append(.element(node))
            node = copy
        }
        return node
    }
}

/// The scope a path is evaluated in.
public struct PathScope: Sendable {
    public var context: LocatedElement
    /// The document root with the content captured so far (batch header and the like).
    public var root: XMLElementNode?
    public var variables: [String: [PathItem]]

    public init(context: LocatedElement, root: XMLElementNode?, variables: [String: [PathItem]] = [:]) {
        self.context = context
        self.root = root
        self.variables = variables
    }

    public func with(context: LocatedElement) -> PathScope {
        var copy = self
        copy.context = context
        return copy
    }
}

extension PathExpression {
    /// Every item the path selects, in document order.
    public func evaluate(in scope: PathScope) -> [PathItem] {
        var items: [PathItem]
        var remaining = steps[...]
        switch start {
        case .context:
            items = [.element(scope.context)]
        case .variable(let name):
            items = scope.variables[name] ?? []
        case .root:
            guard let root = scope.root, let first = remaining.first else { return [] }
            let rootItem = LocatedElement(element: root, ancestors: [])
            var candidates: [LocatedElement]
            switch first.axis {
            case .child, .ancestor: candidates = [rootItem]
            case .descendant: candidates = [rootItem] + Self.descendants(of: rootItem)
            }
            candidates = candidates.filter { Self.elementTest(first.test, $0) }
            items = Self.applyPredicates(first.predicates, to: candidates.map { .element($0) }, scope: scope)
            remaining = remaining.dropFirst()
        }
        for step in remaining {
            var next: [PathItem] = []
            for case .element(let located) in items {
                next.append(contentsOf: Self.apply(step, to: located, scope: scope))
            }
            items = next
        }
        return items
    }

    /// The first item's string value, or nil when nothing is selected.
    public func firstString(in scope: PathScope) -> String? {
        evaluate(in: scope).first?.stringValue
    }

    private static func apply(_ step: Step, to located: LocatedElement, scope: PathScope) -> [PathItem] {
        var selected: [PathItem]
        switch step.test {
        case .selfNode:
            selected = [.element(located)]
        case .parent:
            selected = located.parent.map { [.element($0)] } ?? []
        case .nameFunction:
            return [.text(located.element.name.localName, owner: located)]
        case .textFunction:
            return [.text(located.element.text, owner: located)]
        case .attribute(let name):
            let values = located.element.attributes.filter { attribute in
                (name.localName == "*" || XMLQualifiedName.sameCodePoints(attribute.name.localName, name.localName))
                    && XMLQualifiedName.sameCodePoints(attribute.name.namespaceURI, name.namespaceURI)
            }
            return values.map { .text($0.value, owner: located) }
        case .element:
            switch step.axis {
            case .child:
                selected = located.children { nameTest(step.test, $0) }.map { .element($0) }
            case .descendant:
                selected = descendants(of: located).filter { elementTest(step.test, $0) }.map { .element($0) }
            case .ancestor:
                var cursor = located.parent
                selected = []
                while let candidate = cursor {
                    if elementTest(step.test, candidate) {
                        selected = [.element(candidate)]
                        break
                    }
                    cursor = candidate.parent
                }
            }
        }
        return applyPredicates(step.predicates, to: selected, scope: scope)
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
                    let leftValues = Set(left.evaluate(in: local).map { $0.stringValue.trimmingWhitespace })
                    switch right {
                    case .literal(let literal):
                        return leftValues.contains(literal)
                    case .path(let path):
                        let rightValues = path.evaluate(in: local).map { $0.stringValue.trimmingWhitespace }
                        return rightValues.contains { leftValues.contains($0) }
                    }
                }
            }
        }
        return items
    }

    static func elementTest(_ test: Test, _ located: LocatedElement) -> Bool {
        nameTest(test, located.element.name)
    }

    static func nameTest(_ test: Test, _ actual: XMLQualifiedName) -> Bool {
        guard case .element(let name) = test else { return false }
        return (name.localName == "*" || XMLQualifiedName.sameCodePoints(name.localName, actual.localName))
            && (name.namespaceURI == "*" || XMLQualifiedName.sameCodePoints(name.namespaceURI, actual.namespaceURI))
    }

    static func descendants(of located: LocatedElement) -> [LocatedElement] {
        var result: [LocatedElement] = []
        for child in located.children {
            result.append(child)
            result.append(contentsOf: descendants(of: child))
        }
        return result
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
