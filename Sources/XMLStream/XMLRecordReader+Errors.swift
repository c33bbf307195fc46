import CLibXML2

// MARK: - Turning libxml2's errors into XMLStreamError

extension XMLRecordReader {
    /// Keeps the first error raised while libxml2 runs and makes libxml2 stop at its next check.
    ///
    /// Not xmlStopParser: in libxml2 2.9 it frees the input buffer, which the libxml2 function
    /// that called us may still be reading. Setting the state it sets first is safe; the reader
    /// halts the parser properly once the libxml2 call has returned.
    func raise(_ error: XMLStreamError) {
        guard callbackError == nil else { return }
        var error = error
        if error.position == nil { error.position = currentPosition }
        callbackError = error
        parser?.pointee.disableSAX = 1
        parser?.pointee.instate = XML_PARSER_EOF
    }

    /// An error libxml2 reports through the SAX `serror` handler.
    func reportParserError(_ error: xmlError) {
        guard error.domain != Int32(XML_FROM_VALID.rawValue) else { return }  // validity is not checked
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }  // warnings
        let position = error.line > 0 ? errorPosition(line: Int(error.line), column: max(Int(error.int2), 1)) : nil
        raise(streamError(from: error, at: position))
    }

    /// An error libxml2 raises without a parser at hand (iconv failures, which cannot happen
    /// while the reader does the decoding, but would otherwise go to stderr).
    func reportContextFreeError(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        raise(XMLStreamError(code: .encoding, message: "libxml2 could not decode the input (\(Self.message(of: error)))", position: nil))
    }

    /// The error to throw for one of libxml2's; `position` overrides libxml2's own when given.
    func streamError(from error: xmlError, at position: XMLPosition? = nil) -> XMLStreamError {
        let code = error.code
        let detail = Self.message(of: error)
        let position =
            position ?? (error.line > 0 ? XMLPosition(line: Int(error.line), column: max(Int(error.int2), 1)) : currentPosition)

        func isCode(_ value: xmlParserErrors) -> Bool { code == Int32(value.rawValue) }

        if isCode(XML_ERR_INVALID_CHAR) && detail.hasPrefix("Input is not proper UTF-8") || isCode(XML_ERR_INVALID_ENCODING) {
            let bytes = detail.split(separator: "Bytes:").last.map { $0.trimmingWhitespace } ?? ""
            return XMLStreamError(
                code: .encoding,
                message: "the input is not valid UTF-8 (bytes \(bytes)); a document in another encoding, such as GB18030, "
                    + "must say so in its XML declaration",
                position: position)
        }
        if isCode(XML_ERR_UNSUPPORTED_ENCODING) || isCode(XML_ERR_UNKNOWN_ENCODING) || error.domain == Int32(XML_FROM_I18N.rawValue) {
            return XMLStreamError(code: .encoding, message: detail, position: position)
        }
        if isCode(XML_ERR_DOCUMENT_EMPTY) {
            if let first = sniffer.firstSignificantByte, first != UInt8(ascii: "<") {
                let hint = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? " (it looks like JSON)" : ""
                return XMLStreamError(
                    code: .notXML,
                    message: "the body is not XML: it begins with \(XMLBodySniffer.describe(first)) where '<' is expected\(hint)",
                    position: position)
            }
            if !sniffer.sawContent {
                return XMLStreamError(code: .empty, message: "the body contains nothing but whitespace", position: position)
            }
        }
        if finishing && (assembler.innermostOpenElement != nil || !assembler.rootStarted) {
            guard sniffer.sawContent else {
                return XMLStreamError(code: .empty, message: "the body contains nothing but whitespace", position: position)
            }
            let detail =
                assembler.innermostOpenElement.map { "element <\($0.name)> opened at \($0.position) is not closed" }
                ?? "there is no complete root element"
            return truncationError(detail: detail, position: position)
        }
        if isCode(XML_ERR_UNDECLARED_ENTITY) || isCode(XML_WAR_UNDECLARED_ENTITY) {
            return XMLStreamError(code: .entityReference, message: detail, position: position)
        }
        if isCode(XML_ERR_INTERNAL_ERROR) && detail.contains("Huge input lookup") {
            return XMLStreamError(code: .markupLimit, message: "libxml2 refused a construct too long to parse (\(detail))", position: position)
        }
        return XMLStreamError(code: .malformed, message: detail, position: position)
    }

    func truncationError(detail: String, position: XMLPosition?) -> XMLStreamError {
        XMLStreamError(code: .truncated, message: "the document ends too early: \(detail)", position: position)
    }

    /// libxml2's message on one line, without its trailing newline.
    static func message(of error: xmlError) -> String {
        guard let message = error.message else { return "libxml2 error \(error.code)" }
        return String(cString: message).split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace }.joined(separator: " ")
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
