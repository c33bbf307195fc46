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
    }

    // Stored as `let`s, filled by `Builder`: a class's `var`s are checked for exclusive access at run
    // time on every write, which building a tree per record paid for every node (make bench-profile).
    /// Links and name ids of every node: the ancestors (and what they captured) first, then the record's elements.
    let nodes: [Node]
    /// The ancestors' part, indexed like `nodes` below `recordOffset`.
    private let ancestorNames: [XMLQualifiedName]
    private let ancestorTexts: [String]
    private let ancestorAttributes: [XMLAttributeNode]
    private let ancestorAttributeRanges: [Range<Int>]
    private let ancestorPositions: [XMLPosition]
    /// Per ancestor node with child elements: its value tree, whose string value interleaves text and children.
    private let ancestorBranches: [Int32: XMLElementNode]
    /// The record's elements as the stream built them, indexed from `recordOffset`: read in place, not copied.
    private let recordNodes: XMLRecordNodes
    private let recordOffset: Int32

    /// The node of the record element, or of the element a tree was built around.
    public let record: Int32
    /// The document root: the outermost ancestor, or the record when it has none.
    public let root: Int32
    /// Names registered from this id on were not known when the tree was built: they are compared as text.
    let registryGeneration: Int32
    /// By name id: the record element's child of that name, ``severalChildren`` when it has more than one, -1 when
    /// none; empty when the record has few children (see ``recordChild(withNameID:)``).
    private let recordChildren: [Int32]
    static let severalChildren: Int32 = -2
    /// Records with fewer children are scanned: a table would cost more than it saves.
    private static let indexedChildren = 6
    /// Name ids past this are not tabled (a registry grown large by many mapping texts in one process).
    private static let largestTabledID: Int32 = 1023

    /// - Parameters:
    ///   - ancestors: root first, each with the children it captured (as `XMLStreamedRecord` gives them).
    public convenience init(record: XMLElementNode, ancestors: [XMLElementNode]) {
        var names = NameLookupCache()
        self.init(record: XMLRecordNodes(element: record), ancestors: ancestors, names: &names)
    }

    convenience init(record element: XMLElementNode, ancestors: [XMLElementNode], names: inout NameLookupCache) {
        self.init(record: XMLRecordNodes(element: element), ancestors: ancestors, names: &names)
    }

    convenience init(_ streamed: XMLStreamedRecord, names: inout NameLookupCache) {
        self.init(record: streamed.nodes, ancestors: streamed.ancestors, names: &names)
    }

    init(record recordNodes: XMLRecordNodes, ancestors: [XMLElementNode], names: inout NameLookupCache) {
        registryGeneration = names.synchronize()
        let part = Self.ancestorPart(ancestors, generation: registryGeneration, names: &names)
        // The record hangs below its parent but is not linked as its child: it has not closed in the document's view.
        let offset = Int32(part.builder.nodes.count)
        let parent = part.parent
        var nodes: [Node] = []
        nodes.reserveCapacity(part.builder.nodes.count + recordNodes.count)
        nodes.append(contentsOf: part.builder.nodes)
        var childCount = 0
        var largestChildID: Int32 = -1
        recordNodes.nodes.withUnsafeBufferPointer { flatNodes in
            var index = 0
            names.ids(at: flatNodes.lazy.map(\.nameIndex), in: recordNodes.nameTable) { nameID in
                let flat = flatNodes[index]
                index += 1
                if flat.parent == 0 {
                    childCount += 1
                    largestChildID = max(largestChildID, nameID)
                }
                nodes.append(
                    Node(
                        nameID: nameID, parent: flat.parent >= 0 ? flat.parent + offset : parent,
                        firstChild: flat.firstChild >= 0 ? flat.firstChild + offset : -1,
                        lastChild: flat.lastChild >= 0 ? flat.lastChild + offset : -1,
                        nextSibling: flat.nextSibling >= 0 ? flat.nextSibling + offset : -1))
            }
        }
        // Most fields start at the record, and a child step scans all its children (to tell one from several): for a
        // record with many children, the table answers each step at once (make bench-profile).
        var recordChildren: [Int32] = []
        if childCount >= Self.indexedChildren, largestChildID >= 0, largestChildID <= Self.largestTabledID {
            recordChildren = Array(repeating: -1, count: Int(largestChildID) + 1)
            var child = nodes[Int(offset)].firstChild
            while child >= 0 {
                let id = nodes[Int(child)].nameID
                if id >= 0 { recordChildren[Int(id)] = recordChildren[Int(id)] < 0 ? child : Self.severalChildren }
                child = nodes[Int(child)].nextSibling
            }
        }
        self.recordChildren = recordChildren
        self.record = offset
        self.root = part.root < 0 ? offset : part.root
        recordOffset = offset
        self.recordNodes = recordNodes
        self.nodes = nodes
        ancestorNames = part.builder.names
        ancestorTexts = part.builder.ownTexts
        ancestorAttributes = part.builder.attributes
        ancestorAttributeRanges = part.builder.attributeRanges
        ancestorPositions = part.builder.positions
        ancestorBranches = part.builder.branches
    }

    /// What the ancestors make of a tree (their nodes, names, texts and attributes), for every record below them.
    struct AncestorPart {
        let ancestors: [XMLElementNode]
        /// The registry generation the name ids were resolved at.
        let generation: Int32
        fileprivate let builder: Builder
        /// The outermost ancestor and the innermost (the record's parent); -1 when there are none.
        let root: Int32
        let parent: Int32
    }

    /// The ancestors' part, reused from `names` when the last tree built through it had the same ancestors at the
    /// same generation: consecutive records nearly always do, and building the part again cost six arrays per
    /// record (a tenth of the allocations of mapping one, by a malloc probe on 20,000 nb-gpp records).
    private static func ancestorPart(_ ancestors: [XMLElementNode], generation: Int32, names: inout NameLookupCache) -> AncestorPart {
        if let cached = names.lastAncestorPart, cached.generation == generation, cached.ancestors == ancestors { return cached }
        var builder = Builder()
        var parent: Int32 = -1
        var root: Int32 = -1
        for ancestor in ancestors {
            let node = builder.add(ancestor, parent: parent, names: &names)
            for child in ancestor.children {
                if case .element(let captured) = child { builder.addSubtree(captured, parent: node, names: &names) }
            }
            if root < 0 { root = node }
            parent = node
        }
        let part = AncestorPart(ancestors: ancestors, generation: generation, builder: builder, root: root, parent: parent)
        names.lastAncestorPart = part
        return part
    }

    /// Collects the ancestors' nodes in local arrays, which are not checked for exclusive access as a class's are.
    fileprivate struct Builder {
        var nodes: [Node] = []
        var names: [XMLQualifiedName] = []
        var ownTexts: [String] = []
        var attributes: [XMLAttributeNode] = []
        var attributeRanges: [Range<Int>] = []
        var positions: [XMLPosition] = []
        var branches: [Int32: XMLElementNode] = [:]

        mutating func addSubtree(_ element: XMLElementNode, parent: Int32, names: inout NameLookupCache) {
            let node = add(element, parent: parent, names: &names)
            for child in element.children {
                if case .element(let inner) = child { addSubtree(inner, parent: node, names: &names) }
            }
        }

        /// Appends one element as the last child of `parent`.
        @discardableResult
        mutating func add(_ element: XMLElementNode, parent: Int32, names cache: inout NameLookupCache) -> Int32 {
            let index = Int32(nodes.count)
            if element.children.contains(where: { if case .element = $0 { true } else { false } }) { branches[index] = element }
            nodes.append(Node(nameID: cache.id(of: element.name), parent: parent))
            names.append(element.name)
            positions.append(element.position)
            ownTexts.append(element.text)
            attributeRanges.append(attributes.count..<attributes.count + element.attributes.count)
            if !element.attributes.isEmpty { attributes.append(contentsOf: element.attributes) }
            if parent >= 0 {
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

    public func name(_ node: Int32) -> XMLQualifiedName {
        node >= recordOffset ? recordNodes.name(node - recordOffset) : ancestorNames[Int(node)]
    }

    public func position(_ node: Int32) -> XMLPosition {
        node >= recordOffset ? recordNodes.position(node - recordOffset) : ancestorPositions[Int(node)]
    }

    public func parent(_ node: Int32) -> Int32? {
        let parent = nodes[Int(node)].parent
        return parent >= 0 ? parent : nil
    }

    /// The element's own text.
    public func ownText(_ node: Int32) -> String {
        node >= recordOffset ? recordNodes.ownText(node - recordOffset) : ancestorTexts[Int(node)]
    }

    /// The XPath string value: all text inside the element, nested elements included, in document order.
    public func stringValue(_ node: Int32) -> String {
        if node >= recordOffset { return recordNodes.deepText(node - recordOffset) }
        // An open ancestor links the next one as a child, but its string value is that of its value tree.
        return ancestorBranches[node]?.deepText ?? ancestorTexts[Int(node)]
    }

    func nameID(_ node: Int32) -> Int32 { nodes[Int(node)].nameID }

    /// The record element's child with name id `id` (≥ 0): its node, ``severalChildren``, or -1 for none; nil when the
    /// tree keeps no table and the caller scans the children itself.
    func recordChild(withNameID id: Int32) -> Int32? {
        guard !recordChildren.isEmpty else { return nil }
        return Int(id) < recordChildren.count ? recordChildren[Int(id)] : -1
    }

    func firstChild(_ node: Int32) -> Int32 { nodes[Int(node)].firstChild }
    func nextSibling(_ node: Int32) -> Int32 { nodes[Int(node)].nextSibling }

    /// The value of the element's attribute of that name (XML allows one per element).
    func attribute(_ name: XMLQualifiedName, of node: Int32) -> String? {
        // The list is read where it lies, not handed back from a helper with the range (that retained it for every
        // attribute read: 11 retains and releases per record, make bench-refcounts).
        if node >= recordOffset { return Self.value(of: name, in: recordNodes.attributes, recordAttributeRange(of: node)) }
        return Self.value(of: name, in: ancestorAttributes, ancestorAttributeRanges[Int(node)])
    }

    /// Read in place: iterating a slice of the attributes copied each one, retaining its four strings (make
    /// bench-refcounts).
    private static func value(of name: XMLQualifiedName, in attributes: [XMLAttributeNode], _ range: Range<Int>) -> String? {
        for index in range
        where XMLQualifiedName.sameCodePoints(attributes[index].name.localName, name.localName)
            && XMLQualifiedName.sameCodePoints(attributes[index].name.namespaceURI, name.namespaceURI)
        {
            return attributes[index].value
        }
        return nil
    }

    func attributes(of node: Int32) -> ArraySlice<XMLAttributeNode> {
        if node >= recordOffset { return recordNodes.attributes[recordAttributeRange(of: node)] }
        return ancestorAttributes[ancestorAttributeRanges[Int(node)]]
    }

    /// Where a record element's attributes are in the record's list.
    private func recordAttributeRange(of node: Int32) -> Range<Int> {
        let flat = recordNodes.nodes[Int(node - recordOffset)]
        let start = Int(flat.attributeStart)
        return start..<start + Int(flat.attributeCount)
    }
}
