import CLibXML2

// MARK: - Line and column
//
// libxml2 counts columns in characters in most places but in bytes in others (the name of an end
// tag, for one), so after `</名称>` its columns run ahead on that line. The reader counts columns
// itself, in characters, back to the line's beginning or to an anchor whose line and column it knows:
// the previous start tag, or where libxml2 resumed parsing, which stays in libxml2's buffer. It falls
// back to libxml2's column only when neither is in the buffer, which moving the anchor rules out.

/// A place in the decoded input whose line and column are known.
struct PositionAnchor {
    /// Offset in libxml2's decoded (UTF-8) input.
    var offset: Int
    var line: Int
    var column: Int
}

extension XMLRecordReader {
    /// Where the start tag being reported begins. libxml2 calls back with its input on the tag's
    /// `>`, and the tag is still in its buffer, so walk back to the `<` (no attribute value may
    /// contain one).
    ///
    /// The column is counted back from the `<` to the start of its line, or to the previous start tag when
    /// that is nearer on the same line: a few bytes of indentation, where counting forward from the previous
    /// start tag went over all the text in between (7 % of the parsing thread's samples in `perf record`).
    func startTagPosition() -> XMLPosition {
        guard let input = parser?.pointee.input?.pointee, let cur = input.cur, let base = input.base else {
            return XMLPosition(line: 0, column: 0)
        }
        var start = UnsafePointer(cur)
        var newlinesInTag = 0
        while start > base && start.pointee != UInt8(ascii: "<") {
            if start.pointee == 0x0A { newlinesInTag += 1 }
            start -= 1
        }
        guard start.pointee == UInt8(ascii: "<") else { return XMLPosition(line: Int(input.line), column: Int(input.col)) }
        let consumed = Int(input.consumed)
        let position = lineStartPosition(of: start, in: input, newlinesInTag: newlinesInTag) ?? locate(start, in: input) {
            // Counted only when there is no anchor to count from (rare): back from libxml2's own line and column.
            let characters = UTF8Counting.characterCount(start, cur - start)
            return XMLPosition(line: Int(input.line) - newlinesInTag, column: newlinesInTag == 0 ? max(Int(input.col) - characters, 1) : 1)
        }
        anchor = PositionAnchor(offset: consumed + (start - base), line: position.line, column: position.column)
        return position
    }

    /// The position of `start` counted back to its line's start or to the anchor, whichever comes first; nil
    /// when the buffer begins before either (a very long line), for ``locate(_:in:fallback:)``.
    ///
    /// The line is libxml2's (which counts each LF as it goes) less the LFs inside the tag.
    private func lineStartPosition(of start: UnsafePointer<UInt8>, in input: xmlParserInput, newlinesInTag: Int) -> XMLPosition? {
        guard let base = input.base else { return nil }
        let consumed = Int(input.consumed)
        // The anchor, when it lies in the buffer before `start`, as a pointer.
        var anchorPointer: UnsafePointer<UInt8>?
        if let anchor, anchor.offset >= consumed, anchor.offset - consumed <= start - base {
            anchorPointer = base + (anchor.offset - consumed)
        }
        var lineStart = start
        var characters = 0
        while lineStart > base && (lineStart - 1).pointee != 0x0A {
            if lineStart == anchorPointer, let anchor {
                return XMLPosition(line: anchor.line, column: anchor.column + characters)
            }
            lineStart -= 1
            if lineStart.pointee & 0xC0 != 0x80 { characters += 1 }
        }
        if lineStart == anchorPointer, let anchor {
            return XMLPosition(line: anchor.line, column: anchor.column + characters)
        }
        guard lineStart > base || consumed == 0 else { return nil }
        return XMLPosition(line: Int(input.line) - newlinesInTag, column: characters + 1)
    }

    /// Moves the anchor up to where libxml2 goes on parsing, before each `xmlParseChunk` call.
    ///
    /// At the start of a call libxml2 may drop what it has parsed, all but the last 80 bytes. A start tag on a long
    /// line (a batch sent on one line) then had neither its line's start nor the previous start tag in the buffer,
    /// and its column came from libxml2's, which counts the names of end tags in bytes: 4 columns too many after
    /// each `</记录>`. An anchor at the parse point stays in the buffer, so every position is counted from it.
    func moveAnchorToParsePoint() {
        guard let input = parser?.pointee.input?.pointee, let cur = input.cur, let base = input.base else { return }
        let consumed = Int(input.consumed)
        let offset = consumed + (cur - base)
        var moved: PositionAnchor
        if let anchor {
            guard anchor.offset >= consumed, anchor.offset < offset else { return }
            moved = anchor
        } else {
            // Nothing counted yet: from the first byte, as the first line's columns are.
            guard consumed == 0 else { return }
            moved = PositionAnchor(offset: 0, line: 1, column: 1)
        }
        UTF8Counting.advance(line: &moved.line, column: &moved.column, over: base + (moved.offset - consumed), count: offset - moved.offset)
        moved.offset = offset
        anchor = moved
    }

    /// Where libxml2's input stands, for an error libxml2 is raising right now at `line`:`column`.
    func errorPosition(line: Int, column: Int) -> XMLPosition {
        guard let input = parser?.pointee.input?.pointee, input.buf != nil, let cur = input.cur, input.line == line else {
            return XMLPosition(line: line, column: column)
        }
        return locate(cur, in: input) { XMLPosition(line: line, column: column) }
    }

    /// The line and column of a byte in libxml2's buffer; `fallback` gives them from libxml2's count when the
    /// reader cannot count them itself (only its line is used when the byte's line starts in the buffer).
    ///
    /// Counted forward from the anchor, not back to the line's start as for a start tag
    /// (``lineStartPosition(of:in:newlinesInTag:)``): at an error libxml2's line can lag behind its input (a NUL
    /// after a CDATA section in the fuzz corpus was reported on line 11 of 12), while at a start tag's callback it
    /// matched the forward count over every fuzz input.
    private func locate(_ target: UnsafePointer<UInt8>, in input: xmlParserInput, fallback: () -> XMLPosition) -> XMLPosition {
        guard let base = input.base, target >= base else { return fallback() }
        let consumed = Int(input.consumed)
        let offset = consumed + (target - base)

        if let anchor, anchor.offset >= consumed, anchor.offset <= offset {
            var line = anchor.line
            var column = anchor.column
            UTF8Counting.advance(line: &line, column: &column, over: base + (anchor.offset - consumed), count: offset - anchor.offset)
            return XMLPosition(line: line, column: column)
        }

        var lineStart = target
        var characters = 0
        while lineStart > base && (lineStart - 1).pointee != 0x0A {
            lineStart -= 1
            if lineStart.pointee & 0xC0 != 0x80 { characters += 1 }
        }
        if lineStart > base || consumed == 0 {
            // The line starts in the buffer, or this is the first line.
            return XMLPosition(line: fallback().line, column: characters + 1)
        }
        return fallback()
    }
}
