/// Why a batch was refused: a stable code for programs and the UI, an English message for the
/// log, and where in the document it happened when that is known.
public struct XMLStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A refusal reason. A struct rather than an enum so that codes can be added without breaking
    /// exhaustive switches in other modules; `rawValue` is what gets stored and logged.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not well-formed XML (libxml2's message says what and where).
        public static let malformed = Code("malformed")
        /// No bytes at all, or only whitespace.
        public static let empty = Code("empty")
        /// Something else than XML, such as JSON.
        public static let notXML = Code("not_xml")
        /// The document stops inside an element or before its root element.
        public static let truncated = Code("truncated")
        /// Bytes that are not valid in the document's encoding, or an encoding libxml2 cannot use.
        public static let encoding = Code("encoding")
        /// The DOCTYPE declares entities (internal or external, general or parameter).
        public static let doctypeEntities = Code("doctype_entities")
        /// The parser was asked to load an external entity or DTD.
        public static let externalEntity = Code("external_entity")
        /// A reference to an entity other than the five predefined ones.
        public static let entityReference = Code("entity_reference")
        public static let depthLimit = Code("depth_limit")
        public static let textLimit = Code("text_limit")
        public static let attributeLimit = Code("attribute_limit")
        public static let recordLimit = Code("record_limit")
        public static let sizeLimit = Code("size_limit")
        public static let contextLimit = Code("context_limit")
        public static let recordSizeLimit = Code("record_size_limit")
        /// One tag, comment, processing instruction or DOCTYPE is longer than `maxMarkupBytes`.
        public static let markupLimit = Code("markup_limit")
        /// A file given to `readFile(at:)` could not be opened or read.
        public static let io = Code("io")
        /// `feed(_:)` or `finish()` was called after `finish()` had completed the document.
        public static let readerFinished = Code("reader_finished")
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
