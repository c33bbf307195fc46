import CLibXML2

/// Streams a document in chunks and yields one element tree per record.
///
/// A libxml2 SAX2 push parser underneath: memory stays bounded by `limits` whatever the size of
/// the batch, because records are handed out as soon as they close and only the context around
/// them is kept. Entities are never expanded or loaded and external DTDs are never read: see
/// `XMLRecordReader+SAX.swift` for the DOCTYPE rules.
///
/// One reader reads one document. It is not thread-safe and not `Sendable`: create one per batch
/// in the task that receives the body. After any error the reader is spent and rethrows that error.
public final class XMLRecordReader {
    public let recordPatterns: [XMLPathPattern]
    public let limits: XMLStreamLimits

    var assembler: XMLRecordAssembler
    var parser: xmlParserCtxtPtr?
    /// The first bytes, held back until the prolog is complete (see `XMLPrologScanner`) and there
    /// are enough for libxml2 to detect the encoding.
    private var prologue: [UInt8] = []
    private var prologScanner = XMLPrologScanner()
    private var prologComplete = false
    var sniffer = XMLBodySniffer()
    private var byteCount = 0
    /// The first error; once set, every call rethrows it.
    private var failure: XMLStreamError?
    /// An error raised inside a libxml2 callback, thrown when the libxml2 call returns.
    var callbackError: XMLStreamError?
    private var finished = false
    /// Set while `finish()` runs, where an error with elements still open means truncation.
    var finishing = false
    /// libxml2 interns names in its dictionary: one Swift string per distinct pointer.
    var nameCache: [UnsafeRawPointer: String] = [:]
    var tagScan = PendingTagScan()
    /// Set once the document is known to be UTF-8.
    private var utf8Validator: UTF8Validator?
    /// The last start tag's position, from which the next ones are counted.
    var anchor: PositionAnchor?

    /// libxml2 needs 4 bytes to recognise a BOM or UTF-16 before it reads the XML declaration.
    private static let detectionBytes = 4
    /// Pieces handed to libxml2 at once: small enough that an error or a limit stops the parse soon
    /// and that CDATA (delivered 300 bytes per call by libxml2 2.9) never piles up.
    private static let pieceSize = 4096

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
    public func feed(_ chunk: some Collection<UInt8>) throws(XMLStreamError) -> [XMLStreamedRecord] {
        try checkUsable()
        guard !chunk.isEmpty else { return [] }
        byteCount += chunk.count
        if byteCount > limits.maxBytes {
            throw fail(XMLStreamError(code: .sizeLimit, message: "the batch is larger than \(limits.maxBytes) bytes", position: currentPosition))
        }
        let error = chunk.withContiguousStorageIfAvailable { parse($0) } ?? Array(chunk).withUnsafeBufferPointer { parse($0) }
        if let error { throw fail(error) }
        return assembler.takeRecords()
    }

    /// Ends the document; throws when it is incomplete.
    public func finish() throws(XMLStreamError) -> [XMLStreamedRecord] {
        try checkUsable()
        if parser == nil {
            guard byteCount > 0 else {
                throw fail(XMLStreamError(code: .empty, message: "the body is empty", position: nil))
            }
            if let error = startParser() { throw fail(error) }
        }
        if let unfinished = utf8Validator?.unfinishedCharacter {
            let detail = "the input ends inside a UTF-8 character (bytes \(Self.hex(unfinished.bytes)))"
            if let open = assembler.innermostOpenElement {
                throw fail(truncationError(detail: "\(detail) in <\(open.name)> opened at \(open.position)", position: unfinished.position))
            }
            throw fail(XMLStreamError(code: .encoding, message: detail, position: unfinished.position))
        }
        finishing = true
        if let error = push(UnsafeBufferPointer(start: nil, count: 0), terminate: true) { throw fail(error) }
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
    /// Available once the root element has started, complete after `finish()`. Children that
    /// contained records are left out, as are the records themselves; when the root is itself a
    /// record this is the root's name and attributes only.
    public var documentContext: XMLElementNode? { assembler.documentContext }

    // MARK: - Feeding libxml2

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

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> XMLStreamError? {
        sniffer.inspect(bytes)
        var rest = bytes[...]
        if parser == nil {
            if !prologComplete {
                let end = sniffer.isWideEncoding ? 0 : prologScanner.scan(bytes)
                let held = end ?? bytes.count
                prologue.append(contentsOf: bytes[..<held])
                rest = rest.dropFirst(held)
                prologComplete = end != nil || prologue.count > limits.maxMarkupBytes
            }
            let topUp = min(max(Self.detectionBytes - prologue.count, 0), rest.count)
            prologue.append(contentsOf: rest.prefix(topUp))
            rest = rest.dropFirst(topUp)
            guard prologComplete, prologue.count >= Self.detectionBytes else { return nil }
            if let error = startParser() { return error }
        }
        while !rest.isEmpty {
            let piece = rest.prefix(Self.pieceSize)
            rest = rest.dropFirst(piece.count)
            if let error = pushValidated(UnsafeBufferPointer(rebasing: piece)) { return error }
        }
        return nil
    }

    /// Pushes a piece after checking its UTF-8 (when the document is UTF-8): up to an invalid
    /// character, so that an error libxml2 finds before it still comes first.
    private func pushValidated(_ piece: UnsafeBufferPointer<UInt8>) -> XMLStreamError? {
        guard utf8Validator != nil, let failure = utf8Validator?.validate(piece) else {
            return push(piece, terminate: false)
        }
        if failure.index > 0, let error = push(UnsafeBufferPointer(rebasing: piece[..<failure.index]), terminate: false) {
            return error
        }
        return Self.invalidUTF8Error(failure)
    }

    static func invalidUTF8Error(_ failure: UTF8Validator.Failure) -> XMLStreamError {
        XMLStreamError(
            code: .encoding,
            message: "the input is not valid UTF-8 (bytes \(hex(failure.bytes))); a document in another encoding, such as GB18030, "
                + "must say so in its XML declaration",
            position: failure.position)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }

    /// Creates the libxml2 parser with the first bytes (enough to detect the encoding) and hands it
    /// the rest of the held-back prolog in one piece.
    private func startParser() -> XMLStreamError? {
        let initial = prologue
        prologue = []
        // UTF-8 is checked here unless the document is UTF-16 or declares another encoding
        // (libxml2 converts those with iconv, which refuses invalid input itself).
        if !sniffer.isWideEncoding && XMLDeclaration.encoding(in: initial).map(XMLDeclaration.isUTF8) ?? true {
            utf8Validator = UTF8Validator()
        }
        let failure = initial.withUnsafeBufferPointer { utf8Validator?.validate($0) }
        let valid = failure?.index ?? initial.count
        let detection = min(valid, Self.detectionBytes)
        var handler = Self.makeSAXHandler()
        let context = initial.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(self).toOpaque(), chars.baseAddress, Int32(detection), nil)
            }
        }
        guard let context else {
            return XMLStreamError(code: .malformed, message: "libxml2 could not create a parser", position: nil)
        }
        parser = context
        // NONET: nothing is ever fetched. Deliberately absent: NOENT (entity substitution),
        // DTDLOAD/DTDVALID/DTDATTR (external DTDs), HUGE (libxml2's own size guards stay on).
        // libxml2 2.9's push parser has no depth limit of its own; the assembler counts depth.
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
        if valid > detection,
            let error = initial.withUnsafeBufferPointer({ push(UnsafeBufferPointer(rebasing: $0[detection..<valid]), terminate: false) })
        {
            return error
        }
        return failure.map(Self.invalidUTF8Error)
    }

    /// Hands one piece to libxml2, then makes it parse what it can and checks what it holds back.
    private func push(_ piece: UnsafeBufferPointer<UInt8>, terminate: Bool) -> XMLStreamError? {
        guard let parser else { return nil }
        let status = withErrorCapture {
            piece.withMemoryRebound(to: CChar.self) { xmlParseChunk(parser, $0.baseAddress, Int32($0.count), terminate ? 1 : 0) }
        }
        if let error = parserError(status: status) { return error }
        if terminate { return nil }

        // libxml2 2.9 hands CDATA out 300 bytes per xmlParseChunk call; without more calls a long
        // CDATA section would pile up in its buffer until "Huge input lookup".
        while let input = parser.pointee.input, input.pointee.end - input.pointee.cur > 300 {
            let before = inputOffset
            let status = withErrorCapture { xmlParseChunk(parser, nil, 0, 0) }
            if let error = parserError(status: status) { return error }
            if inputOffset == before { break }
        }
        return checkHeldBackInput()
    }

    /// The error a libxml2 call left: ours from a callback first, then libxml2's own.
    private func parserError(status: Int32) -> XMLStreamError? {
        if let callbackError { return callbackError }
        guard status != 0, let parser else { return nil }
        if let last = xmlCtxtGetLastError(parser), last.pointee.code != 0 {
            return streamError(from: last.pointee)
        }
        return XMLStreamError(code: .malformed, message: "libxml2 stopped with error \(status)", position: currentPosition)
    }

    /// Runs a libxml2 call with this thread's context-free error handlers pointed at this reader.
    private func withErrorCapture<T>(_ body: () -> T) -> T {
        let saved = cxml_install_error_handlers(Unmanaged.passUnretained(self).toOpaque()) { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLRecordReader>.fromOpaque(context).takeUnretainedValue().reportContextFreeError(error.pointee)
        }
        defer { cxml_restore_error_handlers(saved) }
        return body()
    }

    // MARK: - Positions

    /// Where libxml2's input stands now, its column counted in characters.
    var currentPosition: XMLPosition? {
        guard let input = parser?.pointee.input else { return nil }
        return errorPosition(line: Int(input.pointee.line), column: Int(input.pointee.col))
    }

    /// libxml2's read position counted from the start of the decoded input; survives buffer shrinks.
    var inputOffset: Int {
        guard let input = parser?.pointee.input, let cur = input.pointee.cur, let base = input.pointee.base else { return 0 }
        return Int(input.pointee.consumed) + (cur - base)
    }
}
