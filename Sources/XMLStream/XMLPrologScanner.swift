/// Finds where a document's prolog (XML declaration, comments, processing instructions, DOCTYPE)
/// ends, so that the reader can hand the whole prolog to libxml2 in one piece.
///
/// libxml2 2.9's push parser decides where an internal DTD subset ends by scanning what it has
/// buffered, and loses track of a comment cut by a chunk boundary: the same DOCTYPE is then
/// accepted or refused depending on how the network split the body. With the prolog in one piece
/// the outcome no longer depends on chunking; it also gives libxml2 the whole XML declaration.
///
/// It reads the decoded UTF-8 and looks at structural ASCII bytes only; a wrong guess here costs
/// nothing but the protection above (libxml2 still parses and judges everything).
struct XMLPrologScanner {
    private enum State {
        case top, afterLessThan, afterBang, commentOpening
        case comment, processingInstruction
        case doctype, subset, subsetAfterLessThan, subsetAfterBang, subsetCommentOpening
        case subsetComment, subsetProcessingInstruction, subsetClosed
    }

    private var state = State.top
    /// In a DOCTYPE: the quote that opened the literal being skipped, or 0.
    private var quote: UInt8 = 0
    /// How much of a closing `-->` or `?>` has been seen.
    private var closing = 0

    /// The index in `bytes` where the prolog ends (the root element's `<`, or the first byte that
    /// cannot belong to a prolog), or nil when all of `bytes` is still prolog.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for (index, byte) in bytes.enumerated() {
            switch state {
            case .top:
                if byte == UInt8(ascii: "<") {
                    state = .afterLessThan
                } else if !Self.isWhitespace(byte) {
                    return index
                }
            case .afterLessThan:
                switch byte {
                case UInt8(ascii: "?"): enter(.processingInstruction)
                case UInt8(ascii: "!"): state = .afterBang
                default: return index  // the root element's name (or garbage libxml2 will report)
                }
            case .afterBang:
                state = byte == UInt8(ascii: "-") ? .commentOpening : .doctype
            case .commentOpening:
                if byte == UInt8(ascii: "-") { enter(.comment) } else { return index }
            case .comment, .subsetComment:
                if byte == UInt8(ascii: "-") {
                    closing = min(closing + 1, 2)
                } else if byte == UInt8(ascii: ">") && closing == 2 {
                    state = state == .comment ? .top : .subset
                } else {
                    closing = 0
                }
            case .processingInstruction, .subsetProcessingInstruction:
                if byte == UInt8(ascii: ">") && closing == 1 {
                    state = state == .processingInstruction ? .top : .subset
                } else {
                    closing = byte == UInt8(ascii: "?") ? 1 : 0
                }
            case .doctype:
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "[") {
                    state = .subset
                } else if byte == UInt8(ascii: ">") {
                    state = .top
                }
            case .subset:
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "<") {
                    state = .subsetAfterLessThan
                } else if byte == UInt8(ascii: "]") {
                    state = .subsetClosed
                }
            case .subsetAfterLessThan:
                switch byte {
                case UInt8(ascii: "?"): enter(.subsetProcessingInstruction)
                case UInt8(ascii: "!"): state = .subsetAfterBang
                default: state = .subset
                }
            case .subsetAfterBang:
                state = byte == UInt8(ascii: "-") ? .subsetCommentOpening : .subset
            case .subsetCommentOpening:
                if byte == UInt8(ascii: "-") { enter(.subsetComment) } else { state = .subset }
            case .subsetClosed:
                if byte == UInt8(ascii: ">") {
                    state = .top
                } else if !Self.isWhitespace(byte) {
                    state = .subset
                }
            }
        }
        return nil
    }

    private mutating func enter(_ next: State) {
        state = next
        closing = 0
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
