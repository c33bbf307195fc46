import CLibXML2

/// Streams a document in chunks and yields each element a record path matches: its elements in flat arrays
/// (`XMLRecordNodes`, what mapping reads), with the value tree built on demand (`XMLStreamedRecord.element`).
///
/// A libxml2 SAX2 push parser underneath: memory stays bounded by `limits` whatever the size of
/// the batch, because records are handed out as soon as they close and only the context around
/// them is kept. Entities are never expanded or loaded and external DTDs are never read: see
/// `XMLRecordReader+SAX.swift` for the DOCTYPE rules. The result does not depend on where the
/// chunks begin and end: the same bytes give the same records, or the same error at the same place.
///
/// One reader reads one document. It is not thread-safe and not `Sendable`: create one per batch
/// in the task that receives the body. After any error the reader is spent and rethrows that error.
///
/// What the trees hold:
/// - Names are matched and reported by namespace URI and local name; the prefix is kept for
///   messages only. Unprefixed attributes have no namespace. Namespace declarations (`xmlns`,
///   `xmlns:p`) are not attributes. Attribute values the DTD would default are not reported.
/// - Character data comes as `.text` children: text, CDATA sections and character or predefined
///   entity references merge into one run up to the next tag (comments and processing
///   instructions are skipped and do not split a run). A run of whitespace only is dropped when
///   the element has child elements (layout between tags) and kept when it is all the element
///   holds. Text is otherwise verbatim: no trimming, line ends as XML normalises them (LF).
/// - Positions are where start tags begin (`<`), lines and columns from 1, columns counted in
///   characters; error positions are counted the same way.
/// - Input in any encoding (UTF-8 with or without BOM, UTF-16 and UCS-4 by BOM or first bytes,
///   any encoding iconv knows when declared, such as GB18030, GBK, GB2312) comes out as `String`.
public final class XMLRecordReader {
    public let recordPatterns: [XMLPathPattern]
    public let limits: XMLStreamLimits

    // The state the callbacks touch for every tag and text run is `@exclusivity(unchecked)`: the run-time
    // exclusivity checks of a class's stored properties were 3 % of a translation's CPU, all on the parsing
    // thread (make bench-profile). A reader is used from one thread and never re-entered from its own
    // callbacks' accessors, so no access can overlap.

    // The input pipeline, in order (see XMLRecordReader+Pipeline.swift).
    let decoder = XMLInputDecoder()
    @exclusivity(unchecked) var validator = UTF8Validator()
    /// The start of a character cut by the end of the last chunk.
    @exclusivity(unchecked) var characterCarry: [UInt8] = []
    @exclusivity(unchecked) var sniffer = XMLBodySniffer()
    /// UTF-8 held back until the prolog is complete (see `XMLPrologScanner`).
    var prologue: [UInt8] = []
    var prologScanner = XMLPrologScanner()
    var prologComplete = false
    /// UTF-8 after the prolog, until it makes a whole piece.
    @exclusivity(unchecked) var pendingPiece: [UInt8] = []
    @exclusivity(unchecked) var parser: xmlParserCtxtPtr?

    @exclusivity(unchecked) var assembler: XMLRecordAssembler
    @exclusivity(unchecked) var byteCount = 0
    /// The first error; once set, every call rethrows it.
    var failure: XMLStreamError?
    /// An error raised inside a libxml2 callback, thrown when the libxml2 call returns.
    @exclusivity(unchecked) var callbackError: XMLStreamError?
    var finished = false
    /// Set once libxml2 is told the input has ended, where an error with elements still open
    /// means truncation.
    var finishing = false
    /// libxml2 interns names in its dictionary: one Swift string per distinct pointer.
    @exclusivity(unchecked) var nameCache: [UnsafeRawPointer: String] = [:]
    /// Element names with their index in the assembler's name table (`XMLNameTable`), by libxml2's pointers;
    /// cleared when the assembler starts a new table.
    @exclusivity(unchecked) var elementNames: [InternedElementName: Int32] = [:]
    @exclusivity(unchecked) var elementNamesGeneration = 0
    /// The last name met per slot (`InternedElementName.slot`), in front of `elementNames`.
    @exclusivity(unchecked) var elementNameSlots: [(key: InternedElementName, index: Int32)?] = []
    @exclusivity(unchecked) var tagScan = PendingTagScan()
    /// The last start tag's position, from which the next ones are counted.
    @exclusivity(unchecked) var anchor: PositionAnchor?
    /// The attributes of the start tag being reported (see `startElement`).
    @exclusivity(unchecked) var attributeScratch: [XMLAttributeNode] = []

    public init(recordPatterns: [XMLPathPattern], limits: XMLStreamLimits = XMLStreamLimits()) {
        _ = Self.initializeLibxml2
        self.recordPatterns = recordPatterns
        self.limits = limits
        self.assembler = XMLRecordAssembler(patterns: recordPatterns, limits: limits)
    }

    deinit {
        guard let parser else { return }
        // libxml2 keeps declarations it sees in a document of its own even in SAX mode
        // ("expat compatibility"); the parser context does not free it.
        if let document = parser.pointee.myDoc { xmlFreeDoc(document) }
        parser.pointee.myDoc = nil
        xmlFreeParserCtxt(parser)
    }

    /// libxml2 wants one initialisation before it is used from several threads.
    private static let initializeLibxml2: Void = xmlInitParser()

    /// Parses the next chunk and returns the records it completed.
    ///
    /// The reader parses in pieces of 4 KiB, the same whatever the chunks, so a record comes out of
    /// the `feed(_:)` call that completes the piece holding its end tag, or out of `finish()`.
    public func feed(_ chunk: some Collection<UInt8>) throws(XMLStreamError) -> [XMLStreamedRecord] {
        try checkUsable()
        guard !chunk.isEmpty else { return [] }
        // Bytes up to the limit are read all the same, so that an error in them is the one
        // reported, however the body was cut into chunks.
        let allowed = min(chunk.count, max(limits.maxBytes - byteCount, 0))
        byteCount += chunk.count
        let error =
            chunk.withContiguousStorageIfAvailable { ingest(UnsafeBufferPointer(rebasing: $0.prefix(allowed)), isFinal: false) }
            ?? Array(chunk.prefix(allowed)).withUnsafeBufferPointer { ingest($0, isFinal: false) }
        if let error { throw fail(error) }
        if allowed < chunk.count {
            throw fail(XMLStreamError(code: .sizeLimit, message: "the batch is larger than \(limits.maxBytes) bytes", position: nil))
        }
        return assembler.takeRecords()
    }

    /// Ends the document; throws when it is incomplete.
    public func finish() throws(XMLStreamError) -> [XMLStreamedRecord] {
        try checkUsable()
        guard byteCount > 0 else {
            throw fail(XMLStreamError(code: .empty, message: "the body is empty", position: nil))
        }
        if let error = ingest(UnsafeBufferPointer(start: nil, count: 0), isFinal: true) { throw fail(error) }
        if let error = end() { throw fail(error) }
        if let open = assembler.innermostOpenElement {
            // libxml2 reports an unclosed document; this is the guard should it ever not.
            throw fail(truncationError(detail: "element <\(open.name)> opened at \(open.position) is not closed", position: currentPosition))
        }
        guard assembler.rootStarted else {
            throw fail(truncationError(detail: "there is no root element", position: currentPosition))
        }
        finished = true
        return assembler.takeRecords()
    }

    /// The root element with its attributes and the non-record content captured while streaming
    /// (bounded by `limits.maxContextBytes`): where batch-level values are read.
    ///
    /// Available once the root's start tag has been parsed (at the latest with the first record;
    /// input is parsed in 4 KiB pieces), complete after `finish()`. Children that
    /// contained records are left out, as are the records themselves; when the root is itself a
    /// record this is the root's name and attributes only.
    public var documentContext: XMLElementNode? { assembler.documentContext }

    private func checkUsable() throws(XMLStreamError) {
        if let failure { throw failure }
        if finished {
            throw XMLStreamError(code: .readerFinished, message: "the document was already finished; use a new reader", position: nil)
        }
    }

    /// Remembers the first error, stops libxml2 and returns the error to throw.
    func fail(_ error: XMLStreamError) -> XMLStreamError {
        if failure == nil { failure = error }
        if let parser { xmlStopParser(parser) }
        return failure!
    }
}
