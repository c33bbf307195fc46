/// One record element the stream found, with the elements around it.
public struct XMLStreamedRecord: Hashable, Sendable {
    /// Which of the reader's record patterns matched.
    public var patternIndex: Int
    /// The record element with its whole subtree.
    public var element: XMLElementNode
    /// The open ancestors, root first. Each carries its attributes and the complete child subtrees
    /// that closed before this record began (records themselves excluded), so a record can read
    /// the project and section around it, or the batch header.
    ///
    /// Subtrees that held records are left out too (the first `TenderProject` is not context for
    /// the second one's bulletins), and so is anything after the record's start: a batch trailer
    /// is only in `XMLRecordReader.documentContext` once the document is finished.
    public var ancestors: [XMLElementNode]

    public init(patternIndex: Int, element: XMLElementNode, ancestors: [XMLElementNode]) {
        self.patternIndex = patternIndex
        self.element = element
        self.ancestors = ancestors
    }
}
