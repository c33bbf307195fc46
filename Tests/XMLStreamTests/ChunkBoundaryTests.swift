import Foundation
import Testing
import XMLStream

/// Where the chunks of a body begin and end never changes what is read.
@Suite struct ChunkBoundaryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var system: String
        var file: String
        var patterns: [String]
        var testDescription: String { file }
    }

    static let samples: [Case] = [
        Case(system: "hz-housing", file: "batch-20241008-001.xml", patterns: ["/BATCH/BODY/ROW"]),
        Case(
            system: "zj-land", file: "batch-LT20241105A.xml",
            patterns: ["/{urn:zj:nr:land-transfer:2.1}landTransactions/{*}transaction", "//{urn:zj:nr:land-transfer:2.1}violation"]),
        Case(system: "zj-mining", file: "push-20241112-0001.xml", patterns: ["//{urn:zj:nr:mining:1.0}record"]),
        Case(system: "nb-gpp", file: "NBZC-2024-1120-01.xml", patterns: ["/采购信息批次/公告"]),
        Case(system: "nb-gpp", file: "NBZC-2024-1122-01.xml", patterns: ["/采购信息批次/公告"]),
        Case(system: "zj-property", file: "CQJY-20241118.xml", patterns: ["/Disclosures/Notice"]),
        Case(system: "wz-bidding", file: "WZJY-20241125-07.xml", patterns: ["//Bulletin", "//Case"]),
    ]

    @Test(arguments: samples)
    func samplesReadTheSameInAnyChunks(sample: Case) throws {
        let document = try Files.bytes(Files.sample(sample.system, sample.file))
        let whole = try read(document, patterns: sample.patterns, chunkSizes: [document.count])
        #expect(!whole.records.isEmpty)
        #expect(try read(document, patterns: sample.patterns, chunkSizes: [1]) == whole)
        var generator = SplitMix64(seed: UInt64(document.count))
        for _ in 0..<20 {
            let sizes = (0..<16).map { _ in Int(generator.next() % 97) + 1 }
            #expect(try read(document, patterns: sample.patterns, chunkSizes: sizes) == whole, "chunk sizes \(sizes)")
        }
    }

    @Test(arguments: ["tree-shape.xml", "namespaces.xml", "internal-subset-without-entities.xml", "external-dtd.xml"])
    func fixturesReadTheSameInAnyChunks(fixture: String) throws {
        let document = try Files.bytes(Files.fixture(fixture))
        let patterns = ["//{*}record"]
        let whole = try read(document, patterns: patterns)
        #expect(try read(document, patterns: patterns, chunkSizes: [1]) == whole)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let sizes = (0..<8).map { _ in Int(generator.next() % 13) + 1 }
            #expect(try read(document, patterns: patterns, chunkSizes: sizes) == whole)
        }
    }

    /// Errors, and where they are reported, do not depend on chunking either.
    @Test(arguments: [
        "<batch>\n  <record>\n  </recrod>\n</batch>",
        "<batch>\n  <record>&unknown;</record>\n</batch>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE b [<!ENTITY e \"x\">]>\n<b/>",
        "<batch>\n<record a=\"1\" a=\"2\"/></batch>",
        "{\"json\": true}",
        "<batch><record>",
    ])
    func errorsAreTheSameInAnyChunks(document: String) throws {
        let whole = try #require(readError(document))
        for sizes in [[1], [2], [5, 1, 3]] {
            let chunked = readError(document, chunkSizes: sizes)
            #expect(chunked?.code == whole.code)
            #expect(chunked?.position == whole.position)
        }
    }

    @Test func largeGeneratedBatchInUnevenChunks() throws {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<batch><head><no>B-1</no></head><body>\n"
        for index in 0..<2000 {
            text += "<row id=\"\(index)\"><name>名称\(index)</name><note><![CDATA[<b>\(index)</b>]]></note></row>\n"
        }
        text += "</body></batch>\n"
        let document = Array(text.utf8)
        let whole = try read(document, patterns: ["/batch/body/row"])
        #expect(whole.records.count == 2000)
        #expect(whole.records.last?.element["name"]?.text == "名称1999")
        #expect(try read(document, patterns: ["/batch/body/row"], chunkSizes: [4095, 1, 8193, 17]) == whole)
    }
}

/// A small seeded generator so that random chunkings are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
