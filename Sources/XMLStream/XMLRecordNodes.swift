/// A record's elements in document order, in flat arrays: what the assembler builds while a record is open.
///
/// Building a value tree per record (an `XMLElementNode` per element, each with its arrays, copied into its
/// parent when it closed) and then flattening it again for mapping was a fifth of what translating a record
/// cost (make bench-profile). The mapping engine reads these arrays by index; ``element(_:)`` materialises
/// the value tree for callers that want one.
///
/// Element 0 is the record element. Links are element indices, -1 for none. Character data follows the
/// reader's rules (see `XMLRecordReader`): a leaf has at most one run, its own text; an element with child
/// elements keeps the runs that were not layout whitespace, in ``mixedRuns``.
public struct XMLRecordNodes: Sendable {
    public struct Node: Sendable {
        /// The element's name, in ``nameTable``.
        public var nameIndex: Int32
        public var parent: Int32
        /// Child elements; text runs are not linked.
        public var firstChild: Int32 = -1
        public var lastChild: Int32 = -1
        public var nextSibling: Int32 = -1
        public var attributeStart: Int32
        public var attributeCount: Int32
        /// Child elements so far (where the next text run falls among them).
        public var childCount: Int32 = 0
        /// Where the element's character data before its first child element is in ``textBytes``.
        public var textStart: Int32 = 0
        public var textCount: Int32 = 0
        /// Whether a run of this element is in ``mixedRuns`` (it has text between or after child elements).
        public var hasMixedRuns = false
        /// Where the element's start tag is (kept in the node: a list of its own was one more allocation per record).
        public var position: XMLPosition
    }

    /// A run of character data inside an element that has child elements.
    public struct MixedRun: Sendable {
        public var owner: Int32
        /// How many child elements precede the run.
        public var position: Int32
        public var text: String
    }

    public internal(set) var nodes: [Node] = []
    /// The names ``Node/nameIndex`` points into: for a streamed record, a snapshot of the reader's table of the
    /// element names it has met, shared by the records it hands out.
    public internal(set) var nameTable = XMLNameTable()
    /// Per element, its namespace prefix; empty while no element of the record has one (nearly every record), so
    /// that an unprefixed record does not allocate a list of nils. Read through ``prefix(_:)``.
    private var prefixes: [String?] = []
    public internal(set) var attributes: [XMLAttributeNode] = []
    /// The character data of every element before its first child element (a leaf's whole text), each element's
    /// contiguous, read through ``ownText(_:)``. One buffer per record: a `String` per text run was an allocation
    /// each on the parsing thread, validated again as UTF-8 there and freed on a mapping thread (make bench-profile).
    public internal(set) var textBytes: [UInt8] = []
    public internal(set) var mixedRuns: [MixedRun] = []

    public var count: Int { nodes.count }

    init(reservingCapacity capacity: Int, attributes attributeCapacity: Int = 0, textBytes textCapacity: Int = 0) {
        nodes.reserveCapacity(capacity)
        if attributeCapacity > 0 { attributes.reserveCapacity(attributeCapacity) }
        if textCapacity > 0 { textBytes.reserveCapacity(textCapacity) }
    }

    /// The nodes of a value tree (a record built in code, or a record with parts removed).
    public init(element: XMLElementNode) {
        self.init(reservingCapacity: 16)
        add(element, parent: -1)
    }

    private mutating func add(_ element: XMLElementNode, parent: Int32) {
        nameTable.names.append(element.name)
        let index = append(
            nameIndex: Int32(nameTable.names.count - 1), prefix: element.prefix, attributes: element.attributes, position: element.position,
            parent: parent)
        for child in element.children {
            switch child {
            case .element(let inner): add(inner, parent: index)
            case .text(let run):
                var run = run
                run.withUTF8 { appendText($0, to: index) }
            }
        }
    }

    // MARK: - Building

    /// Appends an element, whose name is `nameIndex` in the table the record will carry, as the last child of
    /// `parent` (-1 for the record element) and returns its index.
    @discardableResult
    mutating func append(
        nameIndex: Int32, prefix: String?, attributes elementAttributes: [XMLAttributeNode], position: XMLPosition, parent: Int32
    ) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(
            Node(
                nameIndex: nameIndex, parent: parent, attributeStart: Int32(attributes.count), attributeCount: Int32(elementAttributes.count),
                position: position))
        if let prefix {
            if prefixes.count < Int(index) { prefixes.append(contentsOf: repeatElement(nil, count: Int(index) - prefixes.count)) }
            prefixes.append(prefix)
        } else if !prefixes.isEmpty {
            prefixes.append(nil)
        }
        if !elementAttributes.isEmpty { attributes.append(contentsOf: elementAttributes) }
        if parent >= 0 {
            let parentIndex = Int(parent)
            let last = nodes[parentIndex].lastChild
            if last >= 0 {
                nodes[Int(last)].nextSibling = index
            } else {
                nodes[parentIndex].firstChild = index
            }
            nodes[parentIndex].lastChild = index
            nodes[parentIndex].childCount += 1
        }
        return index
    }

    /// Appends a run of character data to an element's content, after the child elements it has so far.
    ///
    /// Runs before an element's first child go to ``textBytes``, where they are contiguous (nothing else is appended
    /// while the element has no child); once it has a child, its runs are ``mixedRuns``, the earlier text included.
    mutating func appendText(_ run: UnsafeBufferPointer<UInt8>, to node: Int32) {
        let index = Int(node)
        let childCount = nodes[index].childCount
        if childCount > 0 {
            if !nodes[index].hasMixedRuns {
                nodes[index].hasMixedRuns = true
                // A run before the first child element was the element's whole text until now.
                if nodes[index].textCount > 0 { mixedRuns.append(MixedRun(owner: node, position: 0, text: leadingText(node))) }
            }
            mixedRuns.append(MixedRun(owner: node, position: childCount, text: String(decoding: run, as: UTF8.self)))
            return
        }
        guard !run.isEmpty else { return }
        if nodes[index].textCount == 0 { nodes[index].textStart = Int32(textBytes.count) }
        textBytes.append(contentsOf: run)
        nodes[index].textCount += Int32(run.count)
    }

    // MARK: - Reading

    /// The name of an element.
    public func name(_ index: Int32) -> XMLQualifiedName {
        nameTable.names[Int(nodes[Int(index)].nameIndex)]
    }

    /// The namespace prefix of an element's name, nil when it has none.
    public func prefix(_ index: Int32) -> String? {
        Int(index) < prefixes.count ? prefixes[Int(index)] : nil
    }

    /// Where an element's start tag is.
    public func position(_ index: Int32) -> XMLPosition {
        nodes[Int(index)].position
    }

    /// The value tree of an element and everything inside it.
    public func element(_ index: Int32 = 0) -> XMLElementNode {
        let node = nodes[Int(index)]
        let start = Int(node.attributeStart)
        var element = XMLElementNode(
            name: name(index), prefix: prefix(index), attributes: Array(attributes[start..<start + Int(node.attributeCount)]),
            position: node.position)
        forEachContent(of: index, text: { element.children.append(.text($0)) }, element: { element.children.append(.element(self.element($0))) })
        return element
    }

    /// An element's own character data: all its runs, without those of nested elements.
    public func ownText(_ index: Int32) -> String {
        guard !nodes[Int(index)].hasMixedRuns else { return runs(of: index).map(\.text).joined() }
        return leadingText(index)
    }

    /// The text in ``textBytes`` of an element: its whole text while it has no mixed runs.
    private func leadingText(_ index: Int32) -> String {
        let node = nodes[Int(index)]
        guard node.textCount > 0 else { return "" }
        return textBytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(node.textStart)..<Int(node.textStart + node.textCount)]), as: UTF8.self)
        }
    }

    /// All character data inside an element, nested elements included, in document order.
    public func deepText(_ index: Int32) -> String {
        guard nodes[Int(index)].firstChild >= 0 else { return ownText(index) }
        var result = ""
        forEachContent(of: index, text: { result += $0 }, element: { result += deepText($0) })
        return result
    }

    /// Visits an element's text runs and child elements in document order.
    private func forEachContent(of index: Int32, text: (String) -> Void, element: (Int32) -> Void) {
        var runs = runs(of: index)[...]
        var childNumber: Int32 = 0
        var child = nodes[Int(index)].firstChild
        while child >= 0 {
            while let run = runs.first, run.position <= childNumber {
                text(run.text)
                runs = runs.dropFirst()
            }
            element(child)
            childNumber += 1
            child = nodes[Int(child)].nextSibling
        }
        for run in runs { text(run.text) }
    }

    /// An element's runs with their places among its child elements.
    private func runs(of index: Int32) -> [MixedRun] {
        let node = nodes[Int(index)]
        if node.hasMixedRuns { return mixedRuns.filter { $0.owner == index } }
        // Text only before the first child element, or none, or a leaf's whole content.
        return node.textCount == 0 ? [] : [MixedRun(owner: index, position: 0, text: ownText(index))]
    }
}
