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
