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
        /// Whether the element holds no child elements: then its text is its whole string value.
        var isLeaf: Bool
    }

    private(set) var nodes: [Node] = []
    /// Per node: the element itself (names, positions, and the text of elements with children).
    private(set) var elements: [XMLElementNode] = []
    /// Per node: its own text (text and CDATA children, not those of nested elements).
    private(set) var ownTexts: [String] = []
    private(set) var attributes: [XMLAttributeNode] = []
    /// Per node: where its start tag is (read for every field, for traces and messages).
    private(set) var positions: [XMLPosition] = []

    /// The node of the record element, or of the element a tree was built around.
    public private(set) var record: Int32 = -1
    /// The document root: the outermost ancestor, or the record when it has none.
    public private(set) var root: Int32 = -1
    /// Names registered from this id on were not known when the tree was built: they are compared as text.
    private(set) var registryGeneration: Int32 = 0

    /// - Parameters:
    ///   - ancestors: root first, each with the children it captured (as `XMLStreamedRecord` gives them).
    public convenience init(record: XMLElementNode, ancestors: [XMLElementNode]) {
        var names = NameLookupCache()
        self.init(record: record, ancestors: ancestors, names: &names)
    }

    init(record element: XMLElementNode, ancestors: [XMLElementNode], names: inout NameLookupCache) {
        registryGeneration = names.synchronize()
        var parent: Int32 = -1
        for ancestor in ancestors {
            let node = add(ancestor, parent: parent, linked: true, names: &names)
            for child in ancestor.children {
                if case .element(let captured) = child { addSubtree(captured, parent: node, names: &names) }
            }
            if root < 0 { root = node }
            parent = node
        }
        record = add(element, parent: parent, linked: false, names: &names)
        addChildren(of: element, parent: record, names: &names)
        if root < 0 { root = record }
    }

    private func addSubtree(_ element: XMLElementNode, parent: Int32, names: inout NameLookupCache) {
        let node = add(element, parent: parent, linked: true, names: &names)
        addChildren(of: element, parent: node, names: &names)
    }

    private func addChildren(of element: XMLElementNode, parent: Int32, names: inout NameLookupCache) {
        guard !nodes[Int(parent)].isLeaf else { return }
        for child in element.children {
            if case .element(let inner) = child { addSubtree(inner, parent: parent, names: &names) }
        }
    }

    /// Appends one element; `linked` makes it the last child of `parent`.
    @discardableResult
    private func add(_ element: XMLElementNode, parent: Int32, linked: Bool, names: inout NameLookupCache) -> Int32 {
        let index = Int32(nodes.count)
        let isLeaf = !element.children.contains { if case .element = $0 { true } else { false } }
        nodes.append(
            Node(
                nameID: names.id(of: element.name), parent: parent, attributeStart: Int32(attributes.count),
                attributeCount: Int32(element.attributes.count), isLeaf: isLeaf))
        elements.append(element)
        positions.append(element.position)
        ownTexts.append(element.text)
        attributes.append(contentsOf: element.attributes)
        if linked && parent >= 0 {
            let last = nodes[Int(parent)].lastChild
            if last >= 0 {
                nodes[Int(last)].nextSibling = index
            } else {
                nodes[Int(parent)].firstChild = index
            }
            nodes[Int(parent)].lastChild = index
            // An open ancestor gains the next one as a child although its value tree does not hold it.
            nodes[Int(parent)].isLeaf = false
        }
        return index
    }

    // MARK: - Reading

    public func name(_ node: Int32) -> XMLQualifiedName { elements[Int(node)].name }
    public func position(_ node: Int32) -> XMLPosition { positions[Int(node)] }
    public func parent(_ node: Int32) -> Int32? {
        let parent = nodes[Int(node)].parent
        return parent >= 0 ? parent : nil
    }

    /// The element's own text.
    public func ownText(_ node: Int32) -> String { ownTexts[Int(node)] }

    /// The XPath string value: all text inside the element, nested elements included, in document order.
    public func stringValue(_ node: Int32) -> String {
        nodes[Int(node)].isLeaf ? ownTexts[Int(node)] : elements[Int(node)].deepText
    }

    func nameID(_ node: Int32) -> Int32 { nodes[Int(node)].nameID }
    func firstChild(_ node: Int32) -> Int32 { nodes[Int(node)].firstChild }
    func nextSibling(_ node: Int32) -> Int32 { nodes[Int(node)].nextSibling }

    func attributes(of node: Int32) -> ArraySlice<XMLAttributeNode> {
        let start = Int(nodes[Int(node)].attributeStart)
        return attributes[start..<start + Int(nodes[Int(node)].attributeCount)]
    }
}
