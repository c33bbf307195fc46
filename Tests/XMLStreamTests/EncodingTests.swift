import Foundation
import Testing
import XMLStream

/// Declared and detected encodings come out as Swift strings, whatever the chunking.
@Suite struct EncodingTests {
    @Test(arguments: ["utf8-bom.xml", "utf16le-bom.xml", "utf16be-bom.xml", "gbk.xml", "gb2312.xml", "gb18030.xml"])
    func decodes(fixture: String) throws {
        let document = try Files.bytes(Files.fixture(fixture))
        for chunkSizes in [[64 * 1024], [1], [2, 3, 5]] {
            let result = try read(document, patterns: ["/batch/record"], chunkSizes: chunkSizes)
            #expect(result.records.count == 1)
            #expect(result.records.first?.element["title"]?.text == "望江公租房")
            #expect(result.records.first?.element.position == XMLPosition(line: 3, column: 3))
            #expect(result.documentContext?.attribute(XMLQualifiedName("name")) == "中文")
        }
    }

    @Test func gb18030SampleTitleByteByByte() throws {
        let document = try Files.bytes(Files.sample("hz-housing", "batch-20241008-001.xml"))
        let result = try read(document, patterns: ["/BATCH/BODY/ROW"], chunkSizes: [1])
        #expect(result.records.first?.element["BT"]?.text == "望江公租房2024年第三批分配结果公示")
    }
}

/// Found by the fuzzer: UTF-16 without a byte order mark was taken for UTF-8 (and left to
/// libxml2 to convert) when its first bytes came one at a time.
@Suite struct EncodingDetectionTests {
    func utf16(_ units: [UInt16], bigEndian: Bool) -> [UInt8] {
        units.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }

    @Test(arguments: [[64 * 1024], [1], [3, 1]])
    func utf16WithoutByteOrderMark(chunkSizes: [Int]) throws {
        let head = Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<batch><record><title>".utf16)
        let tail = Array("</title></record></batch>".utf16)
        for bigEndian in [false, true] {
            let valid = utf16(head + Array("望江".utf16) + tail, bigEndian: bigEndian)
            let result = try read(valid, patterns: ["//record"], chunkSizes: chunkSizes)
            #expect(result.records.first?.element["title"]?.text == "望江")

            // A lone low surrogate: the reader's own decoding places it exactly.
            let invalid = utf16(head + [0xDC00] + tail, bigEndian: bigEndian)
            let error = try #require(readError(invalid, chunkSizes: chunkSizes))
            #expect(error.code == .encoding)
            #expect(error.message.contains(bigEndian ? "UTF-16BE" : "UTF-16LE"))
            #expect(error.position == XMLPosition(line: 2, column: 23))
        }
    }
}
