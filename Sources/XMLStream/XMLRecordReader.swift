/// One record element the stream found, with the elements around it.
public struct XMLStreamedRecord: Sendable {
    /// Which of the reader's record patterns matched.
    public var patternIndex: Int
    /// The record element with its whole subtree.
    public var element: XMLElementNode
    /// The open ancestors, root first. Each carries its attributes and the complete child subtrees
    /// that closed before this record began (records themselves excluded), so a record can read
    /// the project and section around it, or the batch header.
    public var ancestors: [XMLElementNode]

    public init(patternIndex: Int, element: XMLElementNode, ancestors: [XMLElementNode]) {
        self.patternIndex = patternIndex
        self.element = element
        self.ancestors = ancestors
    }
}

/// Streams a document in chunks and yields one element tree per record.
///
/// Implementation pending (issue #2): this placeholder only fixes the API the mapping builds on.
public final class XMLRecordReader {
    public let recordPatterns: [XMLPathPattern]
    public let limits: XMLStreamLimits

    public init(recordPatterns: [XMLPathPattern], limits: XMLStreamLimits = XMLStreamLimits()) {
        self.recordPatterns = recordPatterns
        self.limits = limits
    }

    /// Parses the next chunk and returns the records it completed.
    public func feed(_ chunk: some Collection<UInt8>) throws(XMLStreamError) -> [XMLStreamedRecord] {
        throw XMLStreamError(code: .malformed, message: "not implemented", position: nil)
    }

    /// Ends the document; throws when it is incomplete.
    public func finish() throws(XMLStreamError) -> [XMLStreamedRecord] {
        throw XMLStreamError(code: .malformed, message: "not implemented", position: nil)
    }

    /// The root element with its attributes and the non-record content captured while streaming
    /// (bounded by `limits.maxContextBytes`): where batch-level values are read.
    public private(set) var documentContext: XMLElementNode?
}

public struct XMLStreamLimits: Sendable, Hashable {
    public var maxDepth = 256
    public var maxTextNodeBytes = 8 << 20
    public var maxAttributesPerElement = 256
    public var maxRecords = 1_000_000
    public var maxBytes = 1 << 30
    /// Bytes of non-record content kept as context around records.
    public var maxContextBytes = 1 << 20
    /// Bytes of one record's subtree.
    public var maxRecordBytes = 16 << 20

    public init() {}
}

public struct XMLStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let malformed = Code("malformed")
        public static let empty = Code("empty")
        public static let notXML = Code("not_xml")
        public static let truncated = Code("truncated")
        public static let encoding = Code("encoding")
        public static let doctypeEntities = Code("doctype_entities")
        public static let externalEntity = Code("external_entity")
        public static let entityReference = Code("entity_reference")
        public static let depthLimit = Code("depth_limit")
        public static let textLimit = Code("text_limit")
        public static let attributeLimit = Code("attribute_limit")
        public static let recordLimit = Code("record_limit")
        public static let sizeLimit = Code("size_limit")
        public static let contextLimit = Code("context_limit")
        public static let recordSizeLimit = Code("record_size_limit")
    }

    public var code: Code
    public var message: String
    public var position: XMLPosition?

    public init(code: Code, message: String, position: XMLPosition?) {
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String {
        if let position { "\(position.line):\(position.column): \(message)" } else { message }
    }
}
