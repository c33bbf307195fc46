import Foundation
import Testing
import XMLStream

/// Hostile documents: entities, DTDs and sizes meant to read files, exhaust memory or burn CPU.
@Suite struct HardeningTests {
    /// Lines of /etc/passwd long enough to be recognisable if they leaked into any output.
    static let passwdLines: [String] = {
        let text = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "root:x:0:0:root:/root:/bin/bash"
        return text.split(separator: "\n").map(String.init).filter { $0.count >= 8 }
    }()

    /// Reads in small chunks, keeping what came out before the error (records handed out early and
    /// the document context) so that nothing an attacker could have injected goes unchecked.
    func outputsAndError(_ document: [UInt8], patterns: [String]) -> (strings: [String], error: XMLStreamError?) {
        let reader = XMLRecordReader(recordPatterns: patterns.map(pattern))
        var strings: [String] = []
        var caught: XMLStreamError?
        do {
            var offset = 0
            while offset < document.count {
                let end = min(offset + 16, document.count)
                for record in try reader.feed(document[offset..<end]) {
                    strings += record.element.allStrings + record.ancestors.flatMap(\.allStrings)
                }
                offset = end
            }
            for record in try reader.finish() { strings += record.element.allStrings + record.ancestors.flatMap(\.allStrings) }
        } catch {
            caught = error
            strings.append(error.message)
        }
        strings += reader.documentContext?.allStrings ?? []
        return (strings, caught)
    }

    func expectNoPasswd(_ strings: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!Self.passwdLines.isEmpty)
        for line in Self.passwdLines {
            #expect(!strings.contains { $0.contains(line) }, "output contains \(line)", sourceLocation: sourceLocation)
        }
        #expect(!strings.contains { $0.contains("root:x:0") || $0.contains("/bin/") }, sourceLocation: sourceLocation)
    }

    @Test func externalEntityToEtcPasswdIsRefused() throws {
        let (strings, error) = outputsAndError(try Files.bytes(Files.fixture("xxe-external-entity.xml")), patterns: ["//record"])
        let refusal = try #require(error)
        #expect(refusal.code == .externalEntity)
        #expect(refusal.message.contains("'xxe'"))
        #expect(refusal.position?.line == 3)
        expectNoPasswd(strings)
    }

    @Test func externalParameterEntityIsRefused() throws {
        let (strings, error) = outputsAndError(try Files.bytes(Files.fixture("xxe-parameter-entity.xml")), patterns: ["//record"])
        #expect(error?.code == .externalEntity)
        #expect(error?.position?.line == 3)
        expectNoPasswd(strings)
    }

    @Test func internalEntityDeclarationsAreRefused() throws {
        let error = readError(try Files.bytes(Files.fixture("internal-entity.xml")))
        #expect(error?.code == .doctypeEntities)
        #expect(error?.message.contains("'company'") == true)
        #expect(error?.position?.line == 2)
    }

    /// An external DTD is ignored, never read: the document parses without it.
    @Test func externalDTDIsNeverLoaded() throws {
        let (strings, error) = outputsAndError(try Files.bytes(Files.fixture("external-dtd.xml")), patterns: ["//record"])
        #expect(error == nil)
        #expect(strings.contains("1") && strings.contains("2"))
        expectNoPasswd(strings)

        let result = try read(Files.bytes(Files.fixture("external-dtd.xml")), patterns: ["//record"])
        #expect(result.records.map { $0.element["id"]?.text } == ["1", "2"])
    }

    /// A readable DTD that would add an attribute and an entity: neither appears.
    @Test func readableExternalDTDHasNoEffect() throws {
        let dtd = Files.fixture("injecting.dtd").path
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE batch SYSTEM "\(dtd)">
            <batch><record id="1"/></batch>
            """
        let result = try read(document, patterns: ["//record"])
        #expect(result.records.count == 1)
        #expect(result.records[0].element.attributes.map(\.name.localName) == ["id"])

        let withReference = document.replacingOccurrences(of: "<record id=\"1\"/>", with: "<record>&injected;</record>")
        let error = readError(withReference)
        #expect(error?.code == .entityReference)
        #expect(error?.message.contains("injected") == true)
        #expect(error?.position == XMLPosition(line: 3, column: 26))
    }

    @Test func undeclaredEntityAfterExternalDTDIsRefused() throws {
        let (strings, error) = outputsAndError(
            try Files.bytes(Files.fixture("external-dtd-entity-reference.xml")), patterns: ["//record"])
        #expect(error?.code == .entityReference)
        #expect(error?.message.contains("passwd") == true)
        #expect(error?.position?.line == 5)
        expectNoPasswd(strings)
    }

    @Test func undeclaredEntityIsRefused() {
        let error = readError("<batch>\n  <record>&nbsp;</record>\n</batch>")
        #expect(error?.code == .entityReference)
        #expect(error?.position?.line == 2)

        let inAttribute = readError("<batch><record a=\"x &copy; y\"/></batch>")
        #expect(inAttribute?.code == .entityReference)
    }

    @Test func doctypeWithoutEntitiesIsAccepted() throws {
        let result = try read(Files.bytes(Files.fixture("internal-subset-without-entities.xml")), patterns: ["//record"])
        #expect(result.records.count == 2)
        // Values the DTD would default are not reported: only the document's own attributes count.
        #expect(result.records[0].element.attributes.map(\.name.localName) == ["id"])
        #expect(result.records[1].element.attribute(XMLQualifiedName("kind")) == "explicit")
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        let document = try Files.bytes(Files.fixture("billion-laughs.xml"))
        let clock = ContinuousClock()
        var error: XMLStreamError?
        let elapsed = clock.measure { error = readError(document, patterns: ["/lolz"]) }
        #expect(error?.code == .doctypeEntities)
        #expect(error?.message.contains("'lol'") == true)
        #expect(error?.position?.line == 3)
        #expect(elapsed < .seconds(1))
    }

    @Test func hundredThousandLevelsStopAtTheDepthLimit() throws {
        let document = [UInt8](String(repeating: "<a>", count: 100_000).utf8)
        let error = readError(document, patterns: ["//record"], chunkSizes: [4096])
        #expect(error?.code == .depthLimit)
        // The 257th <a> starts at column 3 × 256 + 1.
        #expect(error?.position == XMLPosition(line: 1, column: 769))

        var limits = XMLStreamLimits()
        limits.maxDepth = 10
        let shallow = readError("<a><b><c><d><e><f><g><h><i><j><k/></j></i></h></g></f></e></d></c></b></a>", limits: limits)
        #expect(shallow?.code == .depthLimit)
        #expect(shallow?.message.contains("<k>") == true)
    }

    @Test func depthLimitIsInclusive() throws {
        var limits = XMLStreamLimits()
        limits.maxDepth = 3
        let result = try read("<a><b><record/></b></a>", patterns: ["//record"], limits: limits)
        #expect(result.records.count == 1)
    }

    /// 64 MiB of text, fed from one reused 1 MiB buffer so the test never holds it all.
    @Test(arguments: [false, true])
    func hugeTextNodeStopsAtTheTextLimit(asCDATA: Bool) throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        var fed = 0
        var caught: XMLStreamError?
        do {
            _ = try reader.feed(Array((asCDATA ? "<batch><record><big><![CDATA[" : "<batch><record><big>").utf8))
            while fed < 64 << 20 {
                _ = try reader.feed(chunk)
                fed += chunk.count
            }
            _ = try reader.feed(Array((asCDATA ? "]]></big></record></batch>" : "</big></record></batch>").utf8))
            _ = try reader.finish()
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.code == .textLimit)
        #expect(error.message.contains("<big>"))
        #expect(error.position == XMLPosition(line: 1, column: 16), "reported at the element whose text is too long")
        // Refused as soon as the run passed 8 MiB, not after reading all 64.
        #expect(fed <= 9 << 20)
    }

    /// A long CDATA section within the limits streams through (libxml2 2.9 would otherwise hold it back).
    @Test func longCDATAWithinLimitsIsRead() throws {
        let body = String(repeating: "0123456789abcdef", count: 256 * 1024)  // 4 MiB
        let result = try read("<batch><record><![CDATA[\(body)]]></record></batch>", patterns: ["//record"], chunkSizes: [65_536])
        #expect(result.records.first?.element.text.count == body.count)
    }

    @Test func hugeAttributeCountIsRefusedBeforeLibxml2ParsesTheTag() throws {
        // 200,000 attributes in one tag: libxml2 2.9 would check them pairwise for minutes.
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        let clock = ContinuousClock()
        var caught: XMLStreamError?
        let elapsed = clock.measure {
            do throws(XMLStreamError) {
                _ = try reader.feed(Array("<batch>\n<record".utf8))
                var index = 0
                while index < 200_000 {
                    var piece = ""
                    for _ in 0..<1000 {
                        piece += " a\(index)=\"\""
                        index += 1
                    }
                    _ = try reader.feed(Array(piece.utf8))
                }
                _ = try reader.feed(Array("/></batch>".utf8))
                _ = try reader.finish()
            } catch {
                caught = error
            }
        }
        #expect(caught?.code == .attributeLimit)
        #expect(caught?.position == XMLPosition(line: 2, column: 1))
        #expect(elapsed < .seconds(2))
    }

    @Test func attributeLimitCountsNamespaceDeclarations() throws {
        var limits = XMLStreamLimits()
        limits.maxAttributesPerElement = 3
        #expect(try read(#"<batch><record a="1" b="2" c="3"/></batch>"#, patterns: ["//record"], limits: limits).records.count == 1)
        let error = readError(#"<batch><record a="1" b="2" xmlns:x="urn:x" c="3"/></batch>"#, limits: limits)
        #expect(error?.code == .attributeLimit)
        #expect(error?.position == XMLPosition(line: 1, column: 8))
        // The element is named from the reader's name table, by the index the SAX layer handed over.
        #expect(error?.message.contains("<record>") == true)
    }

    @Test func longCommentStopsAtTheMarkupLimit() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        var caught: XMLStreamError?
        do {
            _ = try reader.feed(Array("<batch>\n  <!--".utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: "c"), count: 64 * 1024)
            for _ in 0..<64 { _ = try reader.feed(chunk) }
            _ = try reader.finish()
        } catch {
            caught = error
        }
        #expect(caught?.code == .markupLimit)
        #expect(caught?.position == XMLPosition(line: 2, column: 3))
    }

    @Test func longAttributeValueStopsAtTheTextLimit() {
        var limits = XMLStreamLimits()
        limits.maxTextNodeBytes = 100
        let value = String(repeating: "v", count: 101)
        let error = readError("<batch><record note=\"\(value)\"/></batch>", limits: limits)
        #expect(error?.code == .textLimit)
        #expect(error?.message.contains("note") == true)
        #expect(error?.message.contains("<record>") == true)
    }

    @Test func recordLimit() throws {
        var limits = XMLStreamLimits()
        limits.maxRecords = 3
        let document = "<batch>" + String(repeating: "<record/>", count: 3) + "</batch>"
        #expect(try read(document, patterns: ["//record"], limits: limits).records.count == 3)
        let error = readError("<batch>" + String(repeating: "<record/>\n", count: 5) + "</batch>", limits: limits)
        #expect(error?.code == .recordLimit)
        #expect(error?.position == XMLPosition(line: 4, column: 1))
    }

    @Test func sizeLimitCountsBytesAsFed() throws {
        var limits = XMLStreamLimits()
        limits.maxBytes = 100
        let document = "<batch>" + String(repeating: "<record/>", count: 20) + "</batch>"
        let error = readError(document, limits: limits, chunkSizes: [10])
        #expect(error?.code == .sizeLimit)
        #expect(error?.message.contains("100 bytes") == true)
        limits.maxBytes = document.utf8.count
        #expect(try read(document, patterns: ["//record"], limits: limits).records.count == 20)

        // What comes before the limit is read anyway: an error there wins, in any chunks.
        limits.maxBytes = 4500
        let broken = "<batch><record></batch>" + String(repeating: " ", count: 5000)
        for sizes in [[64 * 1024], [10], [1000, 7]] {
            #expect(readError(broken, limits: limits, chunkSizes: sizes)?.code == .malformed)
        }
    }

    @Test func recordSizeLimit() throws {
        var limits = XMLStreamLimits()
        limits.maxRecordBytes = 1000
        let small = "<batch><record><t>\(String(repeating: "x", count: 500))</t></record></batch>"
        #expect(try read(small, patterns: ["//record"], limits: limits).records.count == 1)
        let large = "<batch><record>" + String(repeating: "<t>\(String(repeating: "x", count: 100))</t>", count: 20) + "</record></batch>"
        let error = readError(large, limits: limits)
        #expect(error?.code == .recordSizeLimit)
        #expect(error?.message.contains("<record>") == true)
    }

    @Test func contextLimit() throws {
        var limits = XMLStreamLimits()
        limits.maxContextBytes = 2000
        let header = "<header>" + String(repeating: "<item>value</item>", count: 100) + "</header>"
        let error = readError("<batch>\(header)<record/></batch>", limits: limits)
        #expect(error?.code == .contextLimit)

        // Context held by subtrees that contained records is given back when they close.
        let sections = String(repeating: "<section><name>\(String(repeating: "n", count: 500))</name><record/></section>", count: 20)
        let result = try read("<batch>\(sections)</batch>", patterns: ["//record"], limits: limits)
        #expect(result.records.count == 20)
        #expect(result.records.last?.ancestors.last?["name"]?.text.count == 500)
    }

    @Test func theReaderIsSpentAfterAnError() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        // More than a piece (4 KiB), so that the error comes out of feed(_:).
        let body = "<batch><record></batch>" + String(repeating: " ", count: 5000)
        #expect(throws: XMLStreamError.self) { try reader.feed(Array(body.utf8)) }
        var again: XMLStreamError?
        do { _ = try reader.feed(Array("<more/>".utf8)) } catch { again = error }
        let first = try #require(again)
        #expect(first.code == .malformed)
        #expect(throws: first) { try reader.finish() }
    }

    @Test func theReaderRefusesUseAfterFinish() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        #expect(try reader.readAll(Array("<batch><record/></batch>".utf8)).count == 1)
        #expect { try reader.feed(Array("<x/>".utf8)) } throws: { ($0 as? XMLStreamError)?.code == .readerFinished }
        #expect { try reader.finish() } throws: { ($0 as? XMLStreamError)?.code == .readerFinished }
    }
}
