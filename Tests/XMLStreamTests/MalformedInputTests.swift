import Foundation
import Testing
import XMLStream

/// Bodies that are not usable XML: each is refused with its code and, where there is one, a position.
@Suite struct MalformedInputTests {
    @Test func emptyBody() {
        let error = readError([UInt8]())
        #expect(error?.code == .empty)
        #expect(error?.position == nil)
        #expect(readError("  \n\t ")?.code == .empty)
        #expect(readError([0xEF, 0xBB, 0xBF])?.code == .empty)
    }

    @Test func jsonInsteadOfXML() throws {
        let error = readError(try Files.bytes(Files.fixture("json-body.json")))
        #expect(error?.code == .notXML)
        #expect(error?.message.contains("not XML") == true)
        #expect(error?.message.contains("JSON") == true)
        #expect(error?.position == XMLPosition(line: 1, column: 1))
        #expect(readError(#"{"a":1}"#, chunkSizes: [1])?.code == .notXML)
        #expect(readError("\n  [1, 2]")?.code == .notXML)
    }

    @Test func plainTextInsteadOfXML() {
        let error = readError("hello, this is not a batch")
        #expect(error?.code == .notXML)
        #expect(error?.message.contains("'h'") == true)
    }

    @Test(arguments: [[64 * 1024], [1], [3, 7]])
    func truncatedInsideAnElement(chunkSizes: [Int]) throws {
        let error = try #require(readError("<batch>\n  <record>\n    <id>1</id>", chunkSizes: chunkSizes))
        #expect(error.code == .truncated)
        #expect(error.message.contains("<record>"))
        #expect(error.message.contains("2:3"))
        #expect(error.position?.line == 3)
    }

    @Test func truncatedInsideATag() throws {
        let error = try #require(readError("<batch>\n  <record id=\"1"))
        #expect(error.code == .truncated)
        #expect(error.position?.line == 2)
    }

    @Test func truncatedBeforeTheRootElement() throws {
        #expect(readError("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?.code == .truncated)
        #expect(readError("<bat")?.code == .truncated)
        #expect(readError("<?xml version=\"1.0\"?><!-- only a comment -->")?.code == .truncated)
    }

    @Test func recordsBeforeTheTruncationAreHandedOut() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        let body = "<batch>" + String(repeating: "<record><id>1</id></record>\n", count: 300) + "<record>"
        let records = try reader.feed(Array(body.utf8))
        // Records come out piece by piece (4 KiB): those in the last, unfinished piece do not.
        #expect(records.count > 250)
        #expect { try reader.finish() } throws: { ($0 as? XMLStreamError)?.code == .truncated }
    }

    @Test func invalidUTF8() throws {
        let document: [UInt8] = Array("<batch><record>ok".utf8) + [0xC3, 0x28] + Array("</record></batch>".utf8)
        let error = try #require(readError(document))
        #expect(error.code == .encoding)
        #expect(error.message.contains("0xC3"))
        #expect(error.position == XMLPosition(line: 1, column: 18))
        #expect(readError(document, chunkSizes: [1])?.position == XMLPosition(line: 1, column: 18))
    }

    /// Found by the fuzzer: libxml2 called this byte an encoding error or an internal error in
    /// element content depending on where the chunk ended.
    @Test(arguments: [[64 * 1024], [1], [2], [3, 1]])
    func invalidUTF8IsTheSameErrorWhereverChunksEnd(chunkSizes: [Int]) throws {
        let document: [UInt8] = Array("<batch>\n     ".utf8) + [0xDE] + Array("<record/></batch>".utf8)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .encoding)
        #expect(error.position == XMLPosition(line: 2, column: 6))
        #expect(error.message.contains("(bytes 0xDE 0x3C)"))
    }

    /// Found by the fuzzer: a character cut by a chunk boundary reached libxml2 (and made it
    /// report "not XML") only when the chunks were small.
    @Test(arguments: [[64 * 1024], [1], [4, 1]])
    func aCutCharacterWaitsForItsLastByte(chunkSizes: [Int]) throws {
        let document: [UInt8] = Array("rd\":".utf8) + [0xF3] + Array("[{\"id\": 1}]".utf8)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .encoding)
        #expect(error.position == XMLPosition(line: 1, column: 5))
    }

    @Test func encodedSurrogatesAreNotUTF8() {
        let document: [UInt8] = Array("<batch><record>".utf8) + [0xED, 0xA0, 0x80] + Array("</record></batch>".utf8)
        let error = readError(document)
        #expect(error?.code == .encoding)
        #expect(error?.position == XMLPosition(line: 1, column: 16))
    }

    @Test func bodyCutInsideACharacterIsTruncated() {
        let document: [UInt8] = Array("<batch><record>望".utf8).dropLast()
        let error = readError(document, chunkSizes: [1])
        #expect(error?.code == .truncated)
        #expect(error?.position == XMLPosition(line: 1, column: 16))
    }

    /// A batch on one line, broken near its end: the error's column counts every character before it, though the
    /// line's start left libxml2's buffer long before (and libxml2's own column counts end-tag names in bytes).
    @Test(arguments: [[64 * 1024], [1000]])
    func brokenEndTagOnOneLongLine(chunkSizes: [Int]) throws {
        let pieces = ["名称", "abc", "中文字符", "&amp;"]
        var document = #"<?xml version="1.0" encoding="UTF-8"?><批次 号="B">"#
        for index in 0..<3000 {
            let name = (0..<(index * 7 % 61)).map { pieces[($0 + index) % pieces.count] }.joined()
            document += "<记录><编号>X\(index)</编号><名称>\(name)</名称></记录>"
        }
        let brokenAt = document.unicodeScalars.count + "<记录><名称>坏</名".unicodeScalars.count + 1
        document += "<记录><名称>坏</名</记录></批次>"
        let error = try #require(readError(document, patterns: ["/批次/记录"], chunkSizes: chunkSizes))
        #expect(error.code == .malformed)
        #expect(error.position == XMLPosition(line: 1, column: brokenAt), "where '>' was expected")
    }

    /// A fuzzer-mangled batch whose NUL byte comes after a CDATA section and a stray XML declaration: libxml2's
    /// own line lags there (it said 11), so the position is counted from the reader's anchor. Expected: the line
    /// and column of the first NUL byte, counted from the bytes.
    @Test(arguments: [[64 * 1024], [1], [59, 43, 11]])
    func errorLineWhereLibxml2Lags(chunkSizes: [Int]) throws {
        let document = try Files.bytes(Files.fixture("nul-after-cdata-mangled.xml"))
        let nul = try #require(document.firstIndex(of: 0))
        let before = document[..<nul]
        let lineStart = (before.lastIndex(of: 0x0A) ?? -1) + 1
        let expected = XMLPosition(
            line: before.count { $0 == 0x0A } + 1, column: String(decoding: document[lineStart..<nul], as: UTF8.self).unicodeScalars.count + 1)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.position == expected)
    }

    @Test func gbkBytesDeclaredAsUTF8() throws {
        let document = try Files.bytes(Files.fixture("gbk-declared-utf8.xml"))
        let error = try #require(readError(document))
        #expect(readError(document, chunkSizes: [1])?.position == error.position)
        #expect(error.code == .encoding)
        #expect(error.message.contains("UTF-8"))
        #expect(error.message.contains("GB18030"), "the message suggests declaring the real encoding")
        #expect(error.position == XMLPosition(line: 3, column: 18))
    }

    @Test(arguments: [[64 * 1024], [1], [7, 2]])
    func invalidBytesInADeclaredEncoding(chunkSizes: [Int]) throws {
        let document = try Files.bytes(Files.fixture("invalid-gb18030.xml"))
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .encoding)
        #expect(error.message.contains("GB18030"))
        #expect(error.message.contains("at byte 0x80)"))
        #expect(error.position == XMLPosition(line: 3, column: 20))
    }

    /// Found by the fuzzer: libxml2 converted a whole pushed piece before parsing it, so the bad
    /// bytes were reported instead of the broken tag before them, unless the chunks were small.
    @Test(arguments: [[64 * 1024], [1], [59, 43, 11]])
    func anEarlierErrorWinsOverBytesThatCannotBeDecoded(chunkSizes: [Int]) throws {
        let document: [UInt8] =
            Array("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<ba\t\ttch>\n  <record>ok".utf8) + [0x80, 0xFF]
            + Array("</record>\n</ba>\n".utf8)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .malformed)
        #expect(error.position?.line == 2)
    }

    /// Found by the fuzzer: reading one byte at a time, libxml2 waited for a `>` that a stray
    /// quote hid and never reported the broken tag, while it did when the whole document came at
    /// once. The reader now cuts libxml2's input the same way whatever the chunks: one answer.
    @Test(arguments: [[64 * 1024], [1], [5, 3]])
    func aTagLibxml2WaitsOnGivesTheSameErrorInAnyChunks(chunkSizes: [Int]) throws {
        let document: [UInt8] = Array("<0\" encoding=\"GBK\"?>\n<batch name=\"".utf8) + [0xD6, 0xD0] + Array("\"/>".utf8)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .malformed)
        #expect(error.position == XMLPosition(line: 1, column: 2))
    }

    /// Found by the fuzzer: libxml2 reported the cut tag or the byte after it depending on chunking.
    @Test(arguments: [[64 * 1024], [1], [49, 43, 61]])
    func invalidByteRightAfterLessThan(chunkSizes: [Int]) throws {
        let document: [UInt8] = Array("<batch>\n    <".utf8) + [0xE9] + Array("</batch>".utf8)
        let error = try #require(readError(document, chunkSizes: chunkSizes))
        #expect(error.code == .encoding)
        #expect(error.position == XMLPosition(line: 2, column: 6))
    }

    @Test func utf16DeclaredOverEightBitBytes() {
        let error = readError("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<batch/>")
        #expect(error?.code == .encoding)
        #expect(error?.message.contains("UTF-16") == true)
    }

    @Test func unsupportedEncoding() {
        let error = readError("<?xml version=\"1.0\" encoding=\"X-NO-SUCH-ENCODING\"?>\n<batch/>")
        #expect(error?.code == .encoding)
        #expect(error?.message.contains("X-NO-SUCH-ENCODING") == true)
        #expect(error?.position?.line == 1)
    }

    /// iconv would take "//IGNORE" as an order to drop bad bytes silently.
    @Test func encodingNamesOutsideXMLsFormAreRefused() {
        let document: [UInt8] =
            Array("<?xml version=\"1.0\" encoding=\"GB18030//IGNORE\"?>\n<batch><record>".utf8) + [0x80, 0xFF] + Array("</record></batch>".utf8)
        let error = readError(document)
        #expect(error?.code == .encoding)
        #expect(error?.message.contains("GB18030//IGNORE") == true)
    }

    @Test func mismatchedTags() throws {
        let error = try #require(readError("<batch>\n  <record>\n  </recrod>\n</batch>"))
        #expect(error.code == .malformed)
        #expect(error.message.contains("mismatch"))
        #expect(error.position?.line == 3)
        #expect(error.description.hasPrefix("3:"))
    }

    @Test func contentAfterTheRootElement() {
        let error = readError("<batch/>\n<batch/>")
        #expect(error?.code == .malformed)
        #expect(error?.position?.line == 2)
    }

    @Test func undeclaredNamespacePrefix() {
        let error = readError("<batch>\n<ns:record/></batch>")
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("ns") == true)
        #expect(error?.position?.line == 2)
    }

    @Test func controlCharacters() {
        let error = readError("<batch><record>\u{1}</record></batch>")
        #expect(error?.code == .malformed)
        #expect(error?.position == XMLPosition(line: 1, column: 16))
    }

    @Test func localizedMessages() throws {
        let error = try #require(readError("<batch>\n  <record>\n  </recrod>\n</batch>"))
        let chinese = error.localizedMessage(language: "zh-Hans")
        #expect(chinese.hasPrefix("XML 格式错误（第 3 行第"))
        #expect(error.localizedMessage(language: "en") == error.description)
        #expect(XMLStreamError.Code.doctypeEntities.chineseDescription == "拒绝含实体声明的 DOCTYPE")
        let codes: [XMLStreamError.Code] = [
            .malformed, .empty, .notXML, .truncated, .encoding, .doctypeEntities, .externalEntity, .entityReference, .depthLimit,
            .textLimit, .attributeLimit, .recordLimit, .sizeLimit, .contextLimit, .recordSizeLimit, .markupLimit, .io, .readerFinished,
        ]
        let descriptions = codes.map(\.chineseDescription)
        #expect(Set(descriptions).count == codes.count, "every code has its own description")
        #expect(XMLStreamError.Code("something_new").chineseDescription == "XML 处理错误")
    }
}
