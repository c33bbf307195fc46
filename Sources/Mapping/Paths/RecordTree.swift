import XMLStream

/// A record and the document around it, flattened into arrays of plain values once per record, so that
/// evaluating paths walks integer indices: stepping through value trees copied an element (and retained
/// everything in it) at every step, which was most of what mapping a record cost (make bench-profile).
///
/// Holds the document as far as it is known around the record: the root with what was captured outside
/// records and, nested as the last child of each, the still-open ancestors; the record hangs below the
/// innermost of them (its parent), but is not among its children, as it has not closed in the document's
/// view. Mutated only in its initialiser, so immutable and safe to share once built.
public final class RecordTree: @unchecked Sendable {
    struct Node {
        var nameID: Int32
        var parent: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        var attributeStart: Int32
        var attributeCount: Int32
        /// Into `branches` for an element with child elements; -1 for a leaf, whose own text is its whole
        /// string value.
        var branch: Int32 = -1
    }

    // Stored as `let`s, filled by `Builder`: a class's `var`s are checked for exclusive access at run
    // time on every write, which building a tree per record paid for every node (make bench-profile).
    let nodes: [Node]
    /// Per node: its name.
    let names: [XMLQualifiedName]
    /// Per node: its own text (text and CDATA children, not those of nested elements).
    let ownTexts: [String]
    let attributes: [XMLAttributeNode]
    /// Per node: where its start tag is (read for every field, for traces and messages).
    let positions: [XMLPosition]
    /// The elements with child elements, whose string value interleaves their text with their children's.
    /// Leaves, most of a record, need no copy of their element.
    let branches: [XMLElementNode]

    /// The node of the record element, or of the element a tree was built around.
    public let record: Int32
    /// The document root: the outermost ancestor, or the record when it has none.
    public let root: Int32
    /// Names registered from this id on were not known when the tree was built: they are compared as text.
    let registryGeneration: Int32

    /// - Parameters:
    ///   - ancestors: root first, each with the children it captured (as `XMLStreamedRecord` gives them).
    public convenience init(record: XMLElementNode, ancestors: [XMLElementNode]) {
        var names = NameLookupCache()
        self.init(record: record, ancestors: ancestors, names: &names)
    }

    init(record element: XMLElementNode, ancestors: [XMLElementNode], names: inout NameLookupCache) {
        registryGeneration = names.synchronize()
        var builder = Builder()
        var parent: Int32 = -1
        var root: Int32 = -1
        for ancestor in ancestors {
            let node = builder.add(ancestor, parent: parent, linked: true, names: &names)
            for child in ancestor.children {
                if case .element(let captured) = child { builder.addSubtree(captured, parent: node, names: &names) }
            }
            if root < 0 { root = node }
            parent = node
        }
        let record = builder.add(element, parent: parent, linked: false, names: &names)
        builder.addChildren(of: element, parent: record, names: &names)
        self.record = record
        self.root = root < 0 ? record : root
        nodes = builder.nodes
        self.names = builder.names
        ownTexts = builder.ownTexts
        attributes = builder.attributes
        positions = builder.positions
        branches = builder.branches
    }

    /// Collects the nodes in local arrays, which are not checked for exclusive access as a class's are.
    private struct Builder {
        var nodes: [Node] = []
        var names: [XMLQualifiedName] = []
        var ownTexts: [String] = []
        var attributes: [XMLAttributeNode] = []
        var positions: [XMLPosition] = []
        var branches: [XMLElementNode] = []

        init() {
            // A record of the samples has a few dozen elements.
            nodes.reserveCapacity(32)
            names.reserveCapacity(32)
            ownTexts.reserveCapacity(32)
            positions.reserveCapacity(32)
        }

        mutating func addSubtree(_ element: XMLElementNode, parent: Int32, names: inout NameLookupCache) {
            let node = add(element, parent: parent, linked: true, names: &names)
            addChildren(of: element, parent: node, names: &names)
        }

        mutating func addChildren(of element: XMLElementNode, parent: Int32, names: inout NameLookupCache) {
            guard nodes[Int(parent)].branch >= 0 else { return }
            for child in element.children {
                if case .element(let inner) = child { addSubtree(inner, parent: parent, names: &names) }
            }
        }

        /// Appends one element; `linked` makes it the last child of `parent`.
        @discardableResult
        mutating func add(_ element: XMLElementNode, parent: Int32, linked: Bool, names cache: inout NameLookupCache) -> Int32 {
            let index = Int32(nodes.count)
            var node = Node(
                nameID: cache.id(of: element.name), parent: parent, attributeStart: Int32(attributes.count),
                attributeCount: Int32(element.attributes.count))
            if element.children.contains(where: { if case .element = $0 { true } else { false } }) {
                node.branch = Int32(branches.count)
                branches.append(element)
            }
            nodes.append(node)
            names.append(element.name)
            positions.append(element.position)
            ownTexts.append(element.text)
            if !element.attributes.isEmpty { attributes.append(contentsOf: element.attributes) }
            if linked && parent >= 0 {
                let last = nodes[Int(parent)].lastChild
                if last >= 0 {
                    nodes[Int(last)].nextSibling = index
                } else {
                    nodes[Int(parent)].firstChild = index
                }
                nodes[Int(parent)].lastChild = index
            }
            return index
        }
    }

    // MARK: - Reading

    public func name(_ node: Int32) -> XMLQualifiedName { names[Int(node)] }
    public func position(_ node: Int32) -> XMLPosition { positions[Int(node)] }
    public func parent(_ node: Int32) -> Int32? {
        let parent = nodes[Int(node)].parent
        return parent >= 0 ? parent : nil
    }

    /// The element's own text.
    public func ownText(_ node: Int32) -> String { ownTexts[Int(node)] }

    /// The XPath string value: all text inside the element, nested elements included, in document order.
    public func stringValue(_ node: Int32) -> String {
        // An open ancestor links the next one as a child, but its string value is that of its value tree.
        let branch = nodes[Int(node)].branch
        return branch < 0 ? ownTexts[Int(node)] : branches[Int(branch)].deepText
    }

    func nameID(_ node: Int32) -> Int32 { nodes[Int(node)].nameID }
    func firstChild(_ node: Int32) -> Int32 { nodes[Int(node)].firstChild }
    func nextSibling(_ node: Int32) -> Int32 { nodes[Int(node)].nextSibling }

    func attributes(of node: Int32) -> ArraySlice<XMLAttributeNode> {
        let start = Int(nodes[Int(node)].attributeStart)
        return attributes[start..<start + Int(nodes[Int(node)].attributeCount)]
    }
}
