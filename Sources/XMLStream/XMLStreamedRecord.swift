/// One record element the stream found, with the elements around it.
public struct XMLStreamedRecord: Hashable, Sendable {
    /// Which of the reader's record patterns matched.
    public var patternIndex: Int
    /// The record element with its whole subtree, in flat arrays (what mapping reads).
    public var nodes: XMLRecordNodes
    /// The open ancestors, root first. Each carries its attributes and the complete child subtrees
    /// that closed before this record began (records themselves excluded), so a record can read
    /// the project and section around it, or the batch header.
    ///
    /// Subtrees that held records are left out too (the first `TenderProject` is not context for
    /// the second one's bulletins), and so is anything after the record's start: a batch trailer
    /// is only in `XMLRecordReader.documentContext` once the document is finished.
    public var ancestors: [XMLElementNode]

    public init(patternIndex: Int, nodes: XMLRecordNodes, ancestors: [XMLElementNode]) {
        self.patternIndex = patternIndex
        self.nodes = nodes
        self.ancestors = ancestors
    }

    public init(patternIndex: Int, element: XMLElementNode, ancestors: [XMLElementNode]) {
        self.init(patternIndex: patternIndex, nodes: XMLRecordNodes(element: element), ancestors: ancestors)
    }

    /// The record element with its whole subtree, as a value tree (built on each call).
    public var element: XMLElementNode { nodes.element() }

    /// Where the record's start tag is.
    public var position: XMLPosition { nodes.position(0) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.patternIndex == rhs.patternIndex && lhs.ancestors == rhs.ancestors && lhs.element == rhs.element
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(patternIndex)
        hasher.combine(ancestors)
        hasher.combine(element)
    }
}
