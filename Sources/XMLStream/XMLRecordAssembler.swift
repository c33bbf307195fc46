/// Turns the parser's element events into records, their ancestors and the document context.
///
/// Kept apart from libxml2 so that the tree rules (what is a record, what context is kept, what
/// text survives, which limits apply) live in plain Swift: the SAX layer only converts C strings.
struct XMLRecordAssembler {
    /// An element that is open, with what has been captured inside it so far.
    private struct Frame {
        var node: XMLElementNode
        var hasElementChildren = false
        /// Outside records only: a record started somewhere inside, so the subtree is not context.
        var containsRecord = false
        /// Outside records only: what this frame and its captured children count toward context.
        var retainedBytes = 0
    }

    let patterns: [XMLPathPattern]
    let limits: XMLStreamLimits

    /// Open elements outside any record, root first.
    private var context: [Frame] = []
    /// Their names, kept alongside for pattern matching.
    private var path: [XMLQualifiedName] = []
    /// Counts the changes of `path`, and the pattern the last element opened outside records matched there.
    private var pathVersion = 0
    private var lastPatternMatch: (pathVersion: Int, nameTableGeneration: Int, nameIndex: Int32, pattern: Int?)?
    /// The record being read, and its open elements (indices into it), record element first; empty between records.
    private var record = XMLRecordNodes(reservingCapacity: 32)
    private var openInRecord: [Int32] = []
    private var recordPatternIndex = 0
    private var recordAncestors: [XMLElementNode] = []
    /// The ancestors handed to the last record, while no open element outside records has changed since: the
    /// records of a batch nearly all share them, and one array for all is one allocation instead of one per record
    /// (the mapping side then also recognises them at once).
    private var sharedAncestors: [XMLElementNode]?
    /// What the next record's arrays are reserved for: the most elements (and attributes) a record of the batch has
    /// had, up to ``maxReserved``. Reserving what the previous record had grew all of a larger record's arrays, one
    /// reallocation each, for about half the records of a batch: 5 % of the parsing thread (make bench-profile).
    private var reservedElements = 0
    private var reservedAttributes = 0
    private var reservedTextBytes = 0
    private static let maxReserved = 128
    /// Text is reserved for less: a group of small records after one large one reserves this much for each.
    private static let maxReservedTextBytes = 4 * 1024
    private var recordBytes = 0
    private var contextBytes = 0
    private(set) var recordCount = 0
    private var completed: [XMLStreamedRecord] = []
    /// The element names met so far, which records' elements point into (see `XMLNameTable`). A document that
    /// invents names cannot grow it without bound: past `maxNames` a new table starts after the next record.
    private var names = XMLNameTable(lineage: XMLNameTable.Lineage())
    /// Counts the tables started: indices handed out for an earlier one are void.
    private(set) var nameTableGeneration = 0
    private static let maxNames = 4096

    /// Character data since the last tag, merged across text, CDATA and comments.
    private let pendingText = TextAccumulator()

    private var closedRoot: XMLElementNode?
    /// The root element's name and attributes when the root itself is a record.
    private var recordRoot: XMLElementNode?
    private(set) var rootStarted = false

    /// Approximate bookkeeping cost of one element or attribute beside its strings.
    private static let elementOverhead = 64
    private static let attributeOverhead = 32
    private static let textOverhead = 32

    init(patterns: [XMLPathPattern], limits: XMLStreamLimits) {
        self.patterns = patterns
        self.limits = limits
    }

    var depth: Int { context.count + openInRecord.count }

    /// The innermost open element (name and position only inside a record), for messages about truncated documents.
    var innermostOpenElement: XMLElementNode? {
        if let open = openInRecord.last {
            return XMLElementNode(name: recordElementName(open), prefix: record.prefix(open), position: record.position(open))
        }
        return context.last?.node
    }

    /// The root with its attributes and the content captured outside records.
    var documentContext: XMLElementNode? {
        if let closedRoot { return closedRoot }
        if let root = context.first { return root.node }
        return recordRoot
    }

    mutating func takeRecords() -> [XMLStreamedRecord] {
        // The next chunk's list is reserved for as many as this one's had: grown from empty, it was reallocated
        // several times for every chunk.
        let taken = completed
        completed = []
        completed.reserveCapacity(taken.count)
        return taken
    }

    /// The index of a name in the current table, added to it: the caller (the SAX layer, which knows libxml2's
    /// interned names) asks once per distinct name and table, and passes the index to ``startElement``.
    mutating func register(_ name: XMLQualifiedName) -> Int32 {
        names.names.append(name)
        return Int32(names.names.count - 1)
    }

    /// The name registered as `index` in the current table.
    func name(at index: Int32) -> XMLQualifiedName {
        names.names[Int(index)]
    }

    private func recordElementName(_ index: Int32) -> XMLQualifiedName {
        names.names[Int(record.nodes[Int(index)].nameIndex)]
    }

    // MARK: - Events

    /// Refuses an element before its attributes are converted, so that limits cost nothing.
    /// `mutating` although it changes nothing: called on the reader's stored assembler, a non-mutating
    /// method got a copy of the whole assembler (every array in it retained) for each element.
    mutating func admitElement(nameIndex: Int32, attributeCount: Int, at position: XMLPosition) throws(XMLStreamError) {
        if depth + 1 > limits.maxDepth {
            throw XMLStreamError(
                code: .depthLimit,
                message: "element <\(name(at: nameIndex))> is nested \(depth + 1) levels deep; at most \(limits.maxDepth) are allowed",
                position: position)
        }
        if attributeCount > limits.maxAttributesPerElement {
            throw XMLStreamError(
                code: .attributeLimit,
                message: "element <\(name(at: nameIndex))> has \(attributeCount) attributes and namespace declarations; "
                    + "at most \(limits.maxAttributesPerElement) are allowed",
                position: position)
        }
    }

    /// - Parameter nameIndex: the name's index, from ``register(_:)`` in the current table. Inside a record only the
    /// index is kept; the name itself is looked up for the elements around records.
    mutating func startElement(nameIndex: Int32, prefix: String?, attributes: [XMLAttributeNode], position: XMLPosition) throws(XMLStreamError) {
        try flushText(closingElement: false)
        let cost = Self.cost(nameLength: name(at: nameIndex).localName.utf8.count, prefix: prefix, attributes: attributes)

        if let parent = openInRecord.last {
            try addRecordBytes(cost, at: position)
            openInRecord.append(record.append(nameIndex: nameIndex, prefix: prefix, attributes: attributes, position: position, parent: parent))
            return
        }

        rootStarted = true
        let name = name(at: nameIndex)
        if let index = recordPattern(named: name, nameIndex: nameIndex) {
            recordCount += 1
            if recordCount > limits.maxRecords {
                throw XMLStreamError(code: .recordLimit, message: "the batch has more than \(limits.maxRecords) records", position: position)
            }
            if context.isEmpty {
                recordRoot = XMLElementNode(name: name, prefix: prefix, attributes: attributes, position: position)
            } else {
                context[context.count - 1].hasElementChildren = true
                context[context.count - 1].containsRecord = true
            }
            let ancestors = sharedAncestors ?? context.map(\.node)
            sharedAncestors = ancestors
            recordAncestors = ancestors
            recordPatternIndex = index
            recordBytes = 0
            try addRecordBytes(cost, at: position)
            // Kept between records with its storage (a new list for every record was allocated and grown).
            openInRecord.removeAll(keepingCapacity: true)
            openInRecord.append(record.append(nameIndex: nameIndex, prefix: prefix, attributes: attributes, position: position, parent: -1))
            return
        }

        path.append(name)
        pathVersion += 1
        try addContextBytes(cost, at: position)
        if !context.isEmpty { context[context.count - 1].hasElementChildren = true }
        let element = XMLElementNode(name: name, prefix: prefix, attributes: attributes, children: [], position: position)
        context.append(Frame(node: element, retainedBytes: cost))
        sharedAncestors = nil
    }

    mutating func endElement() throws(XMLStreamError) {
        try flushText(closingElement: true)

        if openInRecord.popLast() != nil {
            if openInRecord.isEmpty {
                reservedElements = min(max(reservedElements, record.count), Self.maxReserved)
                reservedAttributes = min(max(reservedAttributes, record.attributes.count), Self.maxReserved)
                reservedTextBytes = min(max(reservedTextBytes, record.textBytes.count), Self.maxReservedTextBytes)
                record.nameTable = names
                completed.append(XMLStreamedRecord(patternIndex: recordPatternIndex, nodes: record, ancestors: recordAncestors))
                record = XMLRecordNodes(reservingCapacity: reservedElements, attributes: reservedAttributes, textBytes: reservedTextBytes)
                recordAncestors = []
                if names.names.count > Self.maxNames {
                    names = XMLNameTable(lineage: XMLNameTable.Lineage())
                    nameTableGeneration += 1
                }
            }
            return
        }

        guard let frame = context.popLast() else { return }
        sharedAncestors = nil
        path.removeLast()
        pathVersion += 1
        guard !context.isEmpty else {
            closedRoot = frame.node
            return
        }
        let parent = context.count - 1
        if frame.containsRecord {
            // Its records were handed out; what it held besides them belonged to them.
            contextBytes -= frame.retainedBytes
            context[parent].containsRecord = true
        } else {
            context[parent].node.children.append(.element(frame.node))
            context[parent].retainedBytes += frame.retainedBytes
        }
    }

    /// Character data, text and CDATA alike; consecutive runs merge into one `.text` child.
    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) throws(XMLStreamError) {
        guard depth > 0, !bytes.isEmpty else { return }
        if pendingText.count + bytes.count > limits.maxTextNodeBytes, let owner = innermostOpenElement {
            // Reported at the element: where libxml2 stands inside a long run depends on chunking.
            throw XMLStreamError(
                code: .textLimit, message: "a text run in <\(owner.name)> is longer than \(limits.maxTextNodeBytes) bytes",
                position: owner.position)
        }
        pendingText.append(bytes)
    }

    // MARK: - Internals

    /// The record pattern an element opened outside records matches, if any. Records are siblings, nearly always
    /// under the same open elements: the answer for the last name is kept until an element outside records opens or
    /// closes (matching every pattern for every record was a twentieth of the assembler's time, make bench-profile).
    private mutating func recordPattern(named name: XMLQualifiedName, nameIndex: Int32) -> Int? {
        if let last = lastPatternMatch, last.pathVersion == pathVersion, last.nameIndex == nameIndex,
            last.nameTableGeneration == nameTableGeneration
        {
            return last.pattern
        }
        path.append(name)
        defer { path.removeLast() }
        let pattern = patterns.firstIndex { $0.matches(path) }
        lastPatternMatch = (pathVersion, nameTableGeneration, nameIndex, pattern)
        return pattern
    }

    /// Whitespace-only runs next to child elements are layout and are dropped; any other run,
    /// and whitespace that is an element's whole content, is kept verbatim.
    private mutating func flushText(closingElement: Bool) throws(XMLStreamError) {
        guard !pendingText.isEmpty else { return }
        defer { pendingText.removeAll() }
        let openRecordElement = openInRecord.last
        let hasElementChildren: Bool
        if let openRecordElement {
            hasElementChildren = record.nodes[Int(openRecordElement)].firstChild >= 0
        } else if let frame = context.last {
            hasElementChildren = frame.hasElementChildren
        } else {
            return
        }
        if pendingText.isWhitespace && (!closingElement || hasElementChildren) { return }

        let cost = pendingText.count + Self.textOverhead
        if let openRecordElement {
            try addRecordBytes(cost, at: record.position(0))
            record.appendText(pendingText.bytes, to: openRecordElement)
        } else {
            let text = String(decoding: pendingText.bytes, as: UTF8.self)
            let index = context.count - 1
            try addContextBytes(cost, at: context[index].node.position)
            context[index].retainedBytes += cost
            context[index].node.children.append(.text(text))
            sharedAncestors = nil
        }
    }

    private mutating func addRecordBytes(_ bytes: Int, at position: XMLPosition) throws(XMLStreamError) {
        recordBytes += bytes
        // Capped below `Int32.max`, where the record's text offsets end (`XMLRecordNodes.Node.textStart`).
        let maxRecordBytes = min(limits.maxRecordBytes, Int(Int32.max) / 2)
        if recordBytes > maxRecordBytes {
            let what = record.count > 0 ? "the record <\(recordElementName(0))> opened at \(record.position(0))" : "a record"
            throw XMLStreamError(
                code: .recordSizeLimit, message: "\(what) is larger than \(maxRecordBytes) bytes", position: position)
        }
    }

    private mutating func addContextBytes(_ bytes: Int, at position: XMLPosition) throws(XMLStreamError) {
        contextBytes += bytes
        if contextBytes > limits.maxContextBytes {
            throw XMLStreamError(
                code: .contextLimit,
                message: "content outside records kept as context exceeds \(limits.maxContextBytes) bytes; "
                    + "check that the record patterns match the batch's records",
                position: position)
        }
    }

    private static func cost(nameLength: Int, prefix: String?, attributes: [XMLAttributeNode]) -> Int {
        var bytes = elementOverhead + nameLength + (prefix?.utf8.count ?? 0)
        for attribute in attributes {
            bytes += attributeOverhead + attribute.name.localName.utf8.count + attribute.value.utf8.count
        }
        return bytes
    }
}
