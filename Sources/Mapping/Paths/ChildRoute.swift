import XMLStream

/// A path of named child steps (and `..`) from the context, ending at an element, one attribute, `name()` or
/// `text()`, reduced to name ids: the shape of nearly every field's path (`采购人/名称`, `../处罚机关/@代码`).
///
/// Following it reads integers only. Following the path's own steps copied each step (its test, names and
/// predicates) for every field of every record, and the retains and releases of those copies cost more than
/// the walk itself (make bench-profile). An immutable class, so that handing it around retains one reference.
final class ChildRoute: Hashable, Sendable {
    enum Ending: Hashable, Sendable {
        case element
        case attribute(XMLQualifiedName)
        case name
        case text
    }

    /// Per step: a child's name id, or `ChildRoute.parent` for `..`.
    let steps: [Int32]
    let ending: Ending
    /// The largest name id: a tree built before it was registered compares names as text, so the route defers to
    /// the path's general evaluation there.
    private let largestNameID: Int32

    static let parent: Int32 = -1

    /// The route of a path's steps, or nil when it has another shape (root or variable start, descendants, ancestors,
    /// predicates, wildcards, names the registry had no room for, an attribute or function before the end).
    init?(start: PathExpression.Start, steps pathSteps: [PathExpression.Step]) {
        guard case .context = start else { return nil }
        var steps: [Int32] = []
        var ending = Ending.element
        for (offset, step) in pathSteps.enumerated() {
            guard step.predicates.isEmpty else { return nil }
            let last = offset == pathSteps.count - 1
            switch step.test {
            case .element:
                guard step.axis == .child, step.nameID >= 0 else { return nil }
                steps.append(step.nameID)
            case .selfNode:
                continue
            case .parent:
                steps.append(Self.parent)
            case .attribute(let name):
                guard last, name.localName != "*", name.namespaceURI != "*" else { return nil }
                ending = .attribute(name)
            case .nameFunction:
                guard last else { return nil }
                ending = .name
            case .textFunction:
                guard last else { return nil }
                ending = .text
            }
        }
        self.steps = steps
        self.ending = ending
        largestNameID = steps.max() ?? Self.parent
    }

    /// What the route selects in `scope`, as ``PathExpression/singleSelection(in:)`` answers it; nil for a tree
    /// that compares some of the route's names as text.
    func select(in scope: PathScope) -> PathExpression.SingleSelection? {
        let tree = scope.tree
        guard largestNameID < tree.registryGeneration else { return nil }
        var node = scope.context
        for id in steps {
            if id == Self.parent {
                guard let parent = tree.parent(node) else { return .nothing }
                node = parent
                continue
            }
            if node == tree.record, id >= 0, let tabled = tree.recordChild(withNameID: id) {
                guard tabled != RecordTree.severalChildren else { return .notSingle }
                guard tabled >= 0 else { return .nothing }
                node = tabled
                continue
            }
            var found: Int32 = -1
            var child = tree.firstChild(node)
            while child >= 0 {
                if tree.nameID(child) == id {
                    guard found < 0 else { return .notSingle }
                    found = child
                }
                child = tree.nextSibling(child)
            }
            guard found >= 0 else { return .nothing }
            node = found
        }
        switch ending {
        case .element:
            return .one(.element(node))
        case .attribute(let name):
            return tree.attribute(name, of: node).map { .one(.text($0, owner: node)) } ?? .nothing
        case .name:
            return .one(.text(tree.name(node).localName, owner: node))
        case .text:
            return .one(.text(tree.ownText(node), owner: node))
        }
    }

    static func == (lhs: ChildRoute, rhs: ChildRoute) -> Bool {
        lhs.steps == rhs.steps && lhs.ending == rhs.ending
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(steps)
        hasher.combine(ending)
    }
}
