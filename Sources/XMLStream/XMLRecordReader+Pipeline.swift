import CLibXML2

// MARK: - From bytes to libxml2
//
// 1. `XMLInputDecoder`: the declared or detected encoding to UTF-8 (libxml2 is told to ignore
//    the declaration and only ever sees UTF-8).
// 2. `UTF8Validator`: invalid UTF-8 found here, with its position, after what precedes it has
//    been parsed so that an earlier error still wins.
// 3. The prolog is held back and handed to libxml2 in one piece (`XMLPrologScanner`).
// 4. Everything else goes in pieces of 4 KiB, each followed by the checks of what libxml2 holds
//    back (`XMLRecordReader+Lookahead.swift`).

extension XMLRecordReader {
    /// Pieces handed to libxml2 at once: small enough that an error or a limit stops the parse soon
    /// and that CDATA (delivered 300 bytes per call by libxml2 2.9) never piles up.
    private static var pieceSize: Int { 4096 }
    /// libxml2 reads its first bytes for a byte order mark or UTF-16 before anything else.
    private static var detectionBytes: Int { 4 }

    /// Decodes and parses raw input; `isFinal` at the end of the body (with no bytes).
    func ingest(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool) -> XMLStreamError? {
        switch decoder.decode(bytes, isFinal: isFinal, sink: { self.parseUTF8($0) }) {
        case nil: return nil
        case .downstream(let error): return error
        case .failure(let failure):
            // What came before the bad bytes is parsed first: an error there comes first.
            if let error = route(UnsafeBufferPointer(start: nil, count: 0), force: true) { return error }
            return decodingError(failure)
        }
    }

    /// Ends the input: the held-back prolog goes to libxml2 if it has not yet, then libxml2 finishes.
    func end() -> XMLStreamError? {
        if let error = route(UnsafeBufferPointer(start: nil, count: 0), force: true) { return error }
        if let unfinished = validator.unfinishedCharacter {
            return decodingError(.unfinished(encoding: "UTF-8", bytes: unfinished.bytes), at: unfinished.position)
        }
        finishing = true
        return push(UnsafeBufferPointer(start: nil, count: 0), terminate: true)
    }

    /// Validates UTF-8 and routes whole characters only: a character cut by the end of a chunk
    /// waits in `characterCarry`, so that what libxml2 gets before an invalid byte is the same
    /// whatever the chunks.
    private func parseUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> XMLStreamError? {
        var rest = bytes[...]
        if !characterCarry.isEmpty {
            let head = rest.prefix(validator.continuationBytesNeeded)
            rest = rest.dropFirst(head.count)
            if let invalid = validator.validate(UnsafeBufferPointer(rebasing: head)) { return refuse(invalid) }
            characterCarry.append(contentsOf: head)
            guard validator.continuationBytesNeeded == 0 else { return nil }
            let character = characterCarry
            characterCarry = []
            if let error = character.withUnsafeBufferPointer({ route($0, force: false) }) { return error }
        }
        if let invalid = validator.validate(UnsafeBufferPointer(rebasing: rest)) {
            if let error = route(UnsafeBufferPointer(rebasing: rest.prefix(invalid.index)), force: true) { return error }
            return refuse(invalid)
        }
        let complete = rest.count - validator.unfinishedCharacterLength
        characterCarry = Array(rest.dropFirst(complete))
        return route(UnsafeBufferPointer(rebasing: rest.prefix(complete)), force: false)
    }

    /// Refuses invalid UTF-8 once libxml2 has had everything before it.
    private func refuse(_ invalid: UTF8Validator.Failure) -> XMLStreamError {
        if let error = route(UnsafeBufferPointer(start: nil, count: 0), force: true) { return error }
        return XMLStreamError(
            code: .encoding,
            message: "the input is not valid UTF-8 (bytes \(Self.hex(invalid.bytes))); a document in another encoding, "
                + "such as GB18030, must say so in its XML declaration",
            position: invalid.position)
    }

    /// Holds the prolog back, then hands libxml2 the rest in pieces of `pieceSize` bytes counted
    /// from the end of the prolog, whatever the caller's chunks: libxml2's push parser reaches
    /// different conclusions (which error, and where) depending on where its input is cut, so the
    /// reader cuts it the same way every time. `force` hands over what is held, because the input
    /// ends or cannot go on.
    private func route(_ bytes: UnsafeBufferPointer<UInt8>, force: Bool) -> XMLStreamError? {
        sniffer.inspect(bytes)
        var rest = bytes[...]
        if parser == nil {
            if !prologComplete {
                // A prolog longer than a markup construct may be is cut at that length exactly,
                // wherever the chunks end, and libxml2 judges it.
                let room = UnsafeBufferPointer(rebasing: bytes.prefix(limits.maxMarkupBytes + 1 - prologue.count))
                let end = prologScanner.scan(room)
                let held = end ?? room.count
                prologue.append(contentsOf: bytes[..<held])
                rest = rest.dropFirst(held)
                prologComplete = end != nil || prologue.count > limits.maxMarkupBytes
            }
            let topUp = min(max(Self.detectionBytes - prologue.count, 0), rest.count)
            prologue.append(contentsOf: rest.prefix(topUp))
            rest = rest.dropFirst(topUp)
            guard force || (prologComplete && prologue.count >= Self.detectionBytes) else { return nil }
            if let error = startParser() { return error }
        }
        if !pendingPiece.isEmpty {
            let take = min(Self.pieceSize - pendingPiece.count, rest.count)
            pendingPiece.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pendingPiece.count == Self.pieceSize || force, let error = pushPendingPiece() { return error }
        }
        while rest.count >= Self.pieceSize {
            let piece = rest.prefix(Self.pieceSize)
            rest = rest.dropFirst(piece.count)
            if let error = push(UnsafeBufferPointer(rebasing: piece), terminate: false) { return error }
        }
        pendingPiece.append(contentsOf: rest)
        if force, !pendingPiece.isEmpty { return pushPendingPiece() }
        return nil
    }

    private func pushPendingPiece() -> XMLStreamError? {
        defer { pendingPiece.removeAll(keepingCapacity: true) }
        return pendingPiece.withUnsafeBufferPointer { push($0, terminate: false) }
    }

    /// Creates the libxml2 parser with the first bytes and hands it the rest of the held-back
    /// prolog in one piece.
    private func startParser() -> XMLStreamError? {
        let initial = prologue
        prologue = []
        let detection = min(initial.count, Self.detectionBytes)
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
        // NONET: nothing is ever fetched. IGNORE_ENC: the input is already UTF-8. Deliberately
        // absent: NOENT (entity substitution), DTDLOAD/DTDVALID/DTDATTR (external DTDs), HUGE
        // (libxml2's own size guards stay on). libxml2 2.9's push parser has no depth limit of
        // its own; the assembler counts depth.
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue))
        guard initial.count > detection else { return nil }
        return initial.withUnsafeBufferPointer { push(UnsafeBufferPointer(rebasing: $0[detection...]), terminate: false) }
    }

    /// Hands one piece to libxml2, then makes it parse what it can and checks what it holds back.
    func push(_ piece: UnsafeBufferPointer<UInt8>, terminate: Bool) -> XMLStreamError? {
        guard let parser else { return nil }
        moveAnchorToParsePoint()
        let status = withErrorCapture {
            piece.withMemoryRebound(to: CChar.self) { xmlParseChunk(parser, $0.baseAddress, Int32($0.count), terminate ? 1 : 0) }
        }
        if let error = parserError(status: status) { return error }
        if terminate { return nil }

        // libxml2 2.9 hands CDATA out 300 bytes per xmlParseChunk call; without more calls a long
        // CDATA section would pile up in its buffer until "Huge input lookup".
        while let input = parser.pointee.input, input.pointee.end - input.pointee.cur > 300 {
            let before = inputOffset
            moveAnchorToParsePoint()
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

    /// Where libxml2's input stands now, its column counted in characters.
    var currentPosition: XMLPosition? {
        guard let input = parser?.pointee.input else { return nil }
        return errorPosition(line: Int(input.pointee.line), column: Int(input.pointee.col))
    }

    /// libxml2's read position counted from the start of its input; survives buffer shrinks.
    var inputOffset: Int {
        guard let input = parser?.pointee.input, let cur = input.pointee.cur, let base = input.pointee.base else { return 0 }
        return Int(input.pointee.consumed) + (cur - base)
    }

    // MARK: - Decoding errors

    private func decodingError(_ failure: XMLInputDecoder.Failure, at position: XMLPosition? = nil) -> XMLStreamError {
        let position = position ?? validator.position
        switch failure {
        case .unsupported(let name):
            return XMLStreamError(code: .encoding, message: "the declared encoding \(name) is not supported", position: position)
        case .mislabelled(let name):
            return XMLStreamError(
                code: .encoding, message: "the document declares \(name) but its bytes are in an 8-bit encoding", position: position)
        case .invalid(let encoding, let bytes):
            return XMLStreamError(
                code: .encoding, message: "the input is not valid \(encoding) (at byte \(Self.hex(bytes)))", position: position)
        case .unfinished(let encoding, let bytes):
            let detail = "the input ends inside a \(encoding) character (bytes \(Self.hex(bytes)))"
            if let open = assembler.innermostOpenElement {
                return truncationError(detail: "\(detail), in <\(open.name)> opened at \(open.position)", position: position)
            }
            return XMLStreamError(code: .encoding, message: detail, position: position)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
