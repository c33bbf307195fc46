import Foundation
import Testing
import XMLStream

/// What a record's tree holds: namespaces, attributes, text, CDATA, whitespace and positions.
@Suite struct TreeShapeTests {
    @Test func namespacesMatchByURIWhateverThePrefix() throws {
        let document = try Files.bytes(Files.fixture("namespaces.xml"))
        let result = try read(document, patterns: ["/{urn:test:batch}batch/{urn:test:batch}record"])
        #expect(result.records.map { $0.element.attribute(XMLQualifiedName("n")) } == ["1", "2", "3"])
        #expect(result.records.map(\.element.prefix) == ["a", "b", nil])
        // A default namespace applies to descendants too.
        #expect(result.records[2].element["inner"]?.name == XMLQualifiedName("inner", namespaceURI: "urn:test:batch"))

        let first = result.records[0].element
        #expect(first.attribute(XMLQualifiedName("flag", namespaceURI: "urn:test:extra")) == "yes")
        #expect(first.attributes.first { $0.name.localName == "flag" }?.prefix == "x")
        #expect(first.attribute(XMLQualifiedName("n")) == "1")

        let context = try #require(result.documentContext)
        #expect(context.attribute(XMLQualifiedName("id", namespaceURI: "urn:test:batch")) == "B-1")
        #expect(context.attributes.count == 1, "namespace declarations are not attributes")
        // The records not matched stay in the context.
        #expect(context.childElements.map { $0.attribute(XMLQualifiedName("n")) } == ["4", "5"])
        #expect(
            context.childElements[0].attribute(XMLQualifiedName("lang", namespaceURI: "http://www.w3.org/XML/1998/namespace")) == "zh")
    }

    @Test func wildcardsMatchAnyNamespace() throws {
        let document = try Files.bytes(Files.fixture("namespaces.xml"))
        let any = try read(document, patterns: ["/{*}batch/{*}record"])
        #expect(any.records.count == 5)
        let none = try read(document, patterns: ["/{*}batch/record"])
        #expect(none.records.map { $0.element.attribute(XMLQualifiedName("n")) } == ["4"])
        let other = try read(document, patterns: ["//{urn:test:other}*"])
        #expect(other.records.map { $0.element.attribute(XMLQualifiedName("n")) } == ["5"])
    }

    /// The assembler hands consecutive records one shared ancestors array while nothing outside records changes:
    /// every change (an element opened or closed, text or a captured element added) must start a new one.
    @Test func ancestorsFollowEveryChangeOfTheContextBetweenRecords() throws {
        let result = try read(
            """
            <batch no="1"><project><code>P1</code><bid/><bid/>text<bid/><section><name>S1</name><bid/></section>\
            <bid/></project><project><code>P2</code><bid/></project><bid/></batch>
            """,
            patterns: ["//bid"])
        let contexts = result.records.map { record in
            record.ancestors.map { ancestor in
                ancestor.name.localName + "(" + ancestor.childElements.map { $0.name.localName + ":" + $0.deepText }.joined(separator: ",")
                    + (ancestor.text.isEmpty ? "" : " '" + ancestor.text + "'") + ")"
            }.joined(separator: "/")
        }
        #expect(
            contexts == [
                "batch()/project(code:P1)",
                "batch()/project(code:P1)",
                "batch()/project(code:P1 'text')",
                "batch()/project(code:P1 'text')/section(name:S1)",
                // A section that held records is not context: what it held besides them belonged to them.
                "batch()/project(code:P1 'text')",
                "batch()/project(code:P2)",
                "batch()",
            ])
        #expect(result.records.allSatisfy { $0.ancestors.first?.attribute(XMLQualifiedName("no")) == "1" })
    }

    @Test func firstMatchingPatternWinsAndRecordsDoNotNest() throws {
        let result = try read(
            "<batch><record><record><id>inner</id></record></record><other/></batch>",
            patterns: ["//record", "/batch/record", "//other"])
        #expect(result.records.map(\.patternIndex) == [0, 2])
        #expect(result.records[0].element["record", "id"]?.text == "inner")
    }

    @Test func attributesTextAndCDATA() throws {
        let result = try read(Files.bytes(Files.fixture("tree-shape.xml")), patterns: ["/batch/record"])
        let record = try #require(result.records.first?.element)
        #expect(record.attribute(XMLQualifiedName("id")) == "r1")
        #expect(record.attribute(XMLQualifiedName("note")) == "a & b 中 <c>")
        // Layout whitespace between elements is dropped.
        #expect(record.children.count == record.childElements.count)
        #expect(record.childElements.map(\.name.localName) == ["title", "body", "empty", "spaces", "merged", "multi", "escaped"])

        let title = try #require(record["title"])
        #expect(title.children.count == 3)
        #expect(title.children.first == .text("Hello "))
        #expect(title.children.last == .text(" world"))
        #expect(title.text == "Hello  world")
        #expect(title.deepText == "Hello bold world")

        #expect(record["body"]?.children == [.text("<p>x & y</p> tail")], "CDATA and text merge into one run")
        #expect(record["empty"]?.children == [])
        #expect(record["spaces"]?.children == [.text("   ")], "whitespace that is all of an element's content is kept")
        #expect(record["merged"]?.children == [.text("onetwothree")], "comments and processing instructions are skipped")
        #expect(record["multi"]?.text == "中文 中")
        #expect(record["escaped"]?.text == "x & y <z> & \"q\" 'a'")
        #expect(record["escaped"]?.attribute(XMLQualifiedName("v")) == "&#38; is & and \" and ' and <")
    }

    /// The flat arrays mapping reads hold the same tree as the materialised element: text runs keep their places
    /// among child elements (before the first, between, after the last, or only before), own and deep text agree.
    @Test func flatNodesHoldTheSameTree() throws {
        let result = try read(
            "<batch><record k=\"v\">lead<a>1</a>mid<b x=\"y\"><c>2</c>tail</b>end</record>"
                + "<record>only-before<a/></record><record><a>1</a><b/>after</record><record>  </record></batch>",
            patterns: ["//record"])
        #expect(result.records.count == 4)
        let first = result.records[0].element
        #expect(first.children == [.text("lead"), .element(first.childElements[0]), .text("mid"), .element(first.childElements[1]), .text("end")])
        #expect(result.records[1].element.children.first == .text("only-before"))
        #expect(result.records[2].element.children.last == .text("after"))
        #expect(result.records[3].element.children == [.text("  ")])
        for record in result.records {
            let nodes = record.nodes
            #expect(XMLRecordNodes(element: record.element).element() == record.element, "a value tree round-trips")
            var elements: [XMLElementNode] = []
            func collect(_ element: XMLElementNode) {
                elements.append(element)
                element.childElements.forEach(collect)
            }
            collect(record.element)
            #expect(nodes.count == elements.count)
            for (index, element) in elements.enumerated() {
                #expect(nodes.ownText(Int32(index)) == element.text)
                #expect(nodes.deepText(Int32(index)) == element.deepText)
                #expect(nodes.name(Int32(index)) == element.name)
                #expect(nodes.position(Int32(index)) == element.position)
                #expect(nodes.prefix(Int32(index)) == element.prefix)
            }
        }
        #expect(result.records[0].nodes.deepText(0) == "lead1mid2tailend")
    }

    /// Text arrives in as many pieces as libxml2 likes (chunk ends, CDATA, comments, character references); each
    /// element's own text is still one range of the record's buffer, and only text before an element's first child
    /// element is kept there (the rest are mixed runs).
    @Test("an element's text is whole however it arrives, and the record's text buffer holds only leading runs")
    func textArrivingInPieces() throws {
        let document = """
            <批次><记录><名称>宁波<!-- 注 -->市<![CDATA[<奉化>区]]>&#x5C40;&amp;</名称><空/><混合>前<子>内</子>后</混合></记录></批次>
            """
        for chunk in [1, 2, 3, 7, 64 * 1024] {
            let result = try read(document, patterns: ["/批次/记录"], chunkSizes: [chunk])
            let nodes = try #require(result.records.first).nodes
            #expect(nodes.count == 5, "chunks of \(chunk)")
            #expect(nodes.ownText(1) == "宁波市<奉化>区局&", "chunks of \(chunk)")
            #expect(nodes.ownText(2) == "")
            #expect(nodes.ownText(3) == "前后", "a mixed element's own text leaves out its child's")
            #expect(nodes.ownText(4) == "内")
            #expect(nodes.deepText(3) == "前内后")
            #expect(String(decoding: nodes.textBytes, as: UTF8.self) == "宁波市<奉化>区局&前内", "chunks of \(chunk)")
        }
    }

    @Test("prefixes are kept per element, also when the first prefixed element comes after unprefixed ones")
    func prefixesPerElement() throws {
        let document = """
            <batch xmlns:p="urn:p" xmlns:q="urn:q"><record><a/><p:b/><c>1</c><q:d><e/></q:d></record><record><f/></record></batch>
            """
        for chunk in [1, 64 * 1024] {
            let result = try read(document, patterns: ["//record"], chunkSizes: [chunk])
            #expect(result.records.count == 2)
            let nodes = result.records[0].nodes
            #expect((0..<Int32(nodes.count)).map(nodes.prefix) == [nil, nil, "p", nil, "q", nil])
            #expect(result.records[0].element.childElements.map(\.prefix) == [nil, "p", nil, "q"])
            #expect(result.records[0].element.childElements[3].childElements.first?.prefix == nil)
            #expect((0..<Int32(result.records[1].nodes.count)).map(result.records[1].nodes.prefix) == [nil, nil])
        }
    }

    @Test func lineEndsAreNormalised() throws {
        let result = try read("<batch>\r\n<record a=\"x\r\ny\">one\r\ntwo\rthree</record>\r\n</batch>", patterns: ["//record"])
        let record = try #require(result.records.first?.element)
        #expect(record.text == "one\ntwo\nthree")
        #expect(record.attribute(XMLQualifiedName("a")) == "x y")
        #expect(record.position == XMLPosition(line: 2, column: 1))
    }

    @Test func positionsAreWhereStartTagsBegin() throws {
        let result = try read(Files.bytes(Files.fixture("tree-shape.xml")), patterns: ["/batch/record"])
        let record = try #require(result.records.first?.element)
        #expect(record.position == XMLPosition(line: 3, column: 3))
        #expect(record["title"]?.position == XMLPosition(line: 4, column: 5))
        #expect(record["title", "b"]?.position == XMLPosition(line: 4, column: 18))
        #expect(record["multi"]?.position == XMLPosition(line: 9, column: 5), "a start tag spread over lines")
        #expect(result.documentContext?.position == XMLPosition(line: 2, column: 1))

        let chinese = try read("<批次>\n  <记录>中</记录><记录/></批次>", patterns: ["//记录"])
        #expect(chinese.records.map(\.element.position) == [XMLPosition(line: 2, column: 3), XMLPosition(line: 2, column: 13)])
    }

    /// Columns count characters, not bytes, across long runs of mixed scripts and line breaks: the reader
    /// counts them eight bytes at a time, so runs of every length around that width are checked against a
    /// plain count of the document's characters.
    @Test func positionsAfterLongMixedTextCountCharacters() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "名", "😀", "é", " ", "\n", "abcdefgh", "中文字符", "\t", "&amp;", "<![CDATA[数据]]>"]
        for round in 0..<40 {
            var document = "<批次>"
            var expected: [XMLPosition] = []
            for _ in 0..<8 {
                let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                document += "<记录>" + text + "</记录>" + (Bool.random(using: &generator) ? "\n  " : "")
            }
            document += "</批次>"
            // Where each <记录 begins, by counting characters and lines of the document text.
            var line = 1
            var column = 1
            let characters = Array(document)
            for index in characters.indices {
                if String(characters[index..<min(index + 3, characters.count)]) == "<记录" {
                    expected.append(XMLPosition(line: line, column: column))
                }
                if characters[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += characters[index].unicodeScalars.count
                }
            }
            let result = try read(document, patterns: ["/批次/记录"], chunkSizes: [round % 2 == 0 ? 64 * 1024 : 7])
            #expect(result.records.map(\.element.position) == expected, "\(document)")
        }
    }

    /// A batch on one line (as some systems send it) puts the line's start far out of libxml2's buffer, and often
    /// the previous start tag too (libxml2 keeps 80 bytes of what it parsed): columns are still counted exactly,
    /// with Chinese end tags between (libxml2's own column counts their names in bytes).
    @Test func positionsOnOneLongLine() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "名", "😀", "é", " ", "abcdefgh", "中文字符", "&amp;", "<![CDATA[数据]]>"]
        var document = "<批次>"
        var texts: [String] = []
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...120, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            texts.append(text)
            document += "<记录>" + text + "</记录>"
        }
        document += "</批次>"
        // Each <记录 begins after the characters of the document before it.
        var expected: [XMLPosition] = []
        var column = 1 + "<批次>".unicodeScalars.count
        for text in texts {
            expected.append(XMLPosition(line: 1, column: column))
            column += "<记录>".unicodeScalars.count + text.unicodeScalars.count + "</记录>".unicodeScalars.count
        }
        for chunk in [64 * 1024, 1000, 7] {
            let positions = try read(document, patterns: ["/批次/记录"], chunkSizes: [chunk]).records.map(\.element.position)
            #expect(positions.count == expected.count)
            let firstDifference = positions.indices.first { $0 < expected.count && positions[$0] != expected[$0] }
            #expect(
                firstDifference == nil,
                "chunks of \(chunk) bytes: \(firstDifference.map { "record \($0) at \(positions[$0]), not \(expected[$0])" } ?? "")")
        }
    }

    @Test func ancestorsHoldWhatClosedBeforeTheRecord() throws {
        let document = """
            <batch id="b">
              <header><no>1</no></header>
              <group name="g1">
                <label>first</label>
                <record n="1"/>
                <note>between</note>
                <record n="2"/>
              </group>
              <group name="g2">
                <record n="3"/>
              </group>
              <trailer>end</trailer>
            </batch>
            """
        let result = try read(document, patterns: ["//record"])
        #expect(result.records.count == 3)
        let (first, second, third) = (result.records[0], result.records[1], result.records[2])
        #expect(first.ancestors.map(\.name.localName) == ["batch", "group"])
        #expect(first.ancestors[0].childElements.map(\.name.localName) == ["header"])
        #expect(first.ancestors[1].attribute(XMLQualifiedName("name")) == "g1")
        #expect(first.ancestors[1].childElements.map(\.name.localName) == ["label"])
        #expect(second.ancestors[1].childElements.map(\.name.localName) == ["label", "note"], "records themselves are left out")
        #expect(third.ancestors[0].childElements.map(\.name.localName) == ["header"], "group g1 held records")
        #expect(third.ancestors[1].childElements.isEmpty)

        let context = try #require(result.documentContext)
        #expect(context.childElements.map(\.name.localName) == ["header", "trailer"])
    }

    @Test func documentContextIsAvailableWithTheFirstRecord() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("//record")])
        #expect(reader.documentContext == nil)
        let records = try reader.feed(Array(("<batch no=\"7\"><head>h</head>" + String(repeating: "<record/>", count: 500)).utf8))
        #expect(!records.isEmpty)
        #expect(reader.documentContext?.attribute(XMLQualifiedName("no")) == "7")
        #expect(reader.documentContext?["head"]?.text == "h")
        _ = try reader.feed(Array("<tail>t</tail></batch>".utf8))
        _ = try reader.finish()
        #expect(reader.documentContext?.childElements.map(\.name.localName) == ["head", "tail"])
    }

    @Test("an element is a record by where it stands: the same name under other parents, or another name, is judged again")
    func recordPatternsFollowTheOpenElements() throws {
        let document = """
            <batch>
              <a><item n="1"/><item n="2"/><other n="x"/><case n="3"/></a>
              <b><item n="no"/><case n="4"/></b>
              <a><item n="5"/></a>
              <item n="no"/>
            </batch>
            """
        for chunk in [1, 7, 64 * 1024] {
            let result = try read(document, patterns: ["/batch/a/item", "//case"], chunkSizes: [chunk])
            #expect(result.records.map { $0.element.attribute(XMLQualifiedName("n")) } == ["1", "2", "3", "4", "5"], "chunks of \(chunk)")
            #expect(result.records.map(\.patternIndex) == [0, 0, 1, 1, 0])
            // Elements that held records are not context; the last <item>, outside any <a>, is.
            let context = try #require(result.documentContext)
            #expect(context.childElements.map(\.name.localName) == ["item"])
            #expect(context.childElements[0].attribute(XMLQualifiedName("n")) == "no")
        }
    }

    @Test("records stay records across a restart of the name table")
    func recordPatternsAcrossNameTables() throws {
        // Each record invents names, so the reader's table of names starts again several times (every 4,096 names).
        let records = (0..<3000).map { "<record><f\($0)a/><f\($0)b/></record><x\($0)/>" }.joined()
        let result = try read("<batch>" + records + "</batch>", patterns: ["/batch/record"])
        #expect(result.records.count == 3000)
        #expect(result.records.allSatisfy { $0.element.name.localName == "record" })
        #expect(result.documentContext?.childElements.count == 3000)
        #expect(result.documentContext?.childElements.last?.name.localName == "x2999")
    }

    @Test func rootAsRecord() throws {
        let result = try read("<batch no=\"7\"><a>1</a></batch>", patterns: ["/batch"])
        #expect(result.records.count == 1)
        #expect(result.records[0].ancestors.isEmpty)
        #expect(result.records[0].element["a"]?.text == "1")
        #expect(result.documentContext?.attribute(XMLQualifiedName("no")) == "7")
        #expect(result.documentContext?.children.isEmpty == true)
    }

    @Test func noPatternsKeepsEverythingAsContext() throws {
        let result = try read("<batch><a>1</a><b x=\"2\"/></batch>", patterns: [])
        #expect(result.records.isEmpty)
        #expect(result.documentContext?.childElements.map(\.name.localName) == ["a", "b"])
    }
}

/// Records number their element names in the reader's table; the numbers must name the same names in every record.
@Suite struct NameTableTests {
    @Test("the records of one reader share a table lineage, and each element's index names its own name")
    func recordsShareOneTable() throws {
        let text = """
            <batch xmlns:p="urn:p"><record><名称>甲</名称><p:名称>乙</p:名称></record>\
            <record><金额>1</金额><名称>丙</名称><新元素/></record></batch>
            """
        let result = try read(text, patterns: ["/batch/record"])
        #expect(result.records.count == 2)
        let (first, second) = (result.records[0].nodes, result.records[1].nodes)
        let lineage = try #require(first.nameTable.lineage)
        #expect(second.nameTable.lineage === lineage)
        for record in result.records {
            let element = record.element
            #expect(record.nodes.name(0) == XMLQualifiedName("record"))
            #expect((1..<record.nodes.count).map { record.nodes.name(Int32($0)) } == element.childElements.map(\.name))
        }
        // The same name has the same index in both records; a namespaced one is another name.
        #expect(first.nodes[1].nameIndex == second.nodes[2].nameIndex)
        #expect(first.name(2) == XMLQualifiedName("名称", namespaceURI: "urn:p"))
        #expect(first.nodes[1].nameIndex != first.nodes[2].nameIndex)
        // The first record's snapshot is not changed by names met after it.
        #expect(first.nameTable.names.count < second.nameTable.names.count)
    }

    @Test("a document that invents names gets new tables between records, and every name stays right")
    func inventedNamesStartNewTables() throws {
        let count = 5_000
        let records = (0..<count).map { "<record><e\($0)>\($0)</e\($0)><名称>x</名称></record>" }.joined()
        let result = try read("<batch>\(records)</batch>", patterns: ["/batch/record"], chunkSizes: [4096, 777])
        #expect(result.records.count == count)
        var lineages: [ObjectIdentifier] = []
        for (index, record) in result.records.enumerated() {
            #expect(record.nodes.name(1) == XMLQualifiedName("e\(index)"))
            #expect(record.nodes.name(2) == XMLQualifiedName("名称"))
            #expect(record.nodes.nameTable.names.count <= 4096 + 3, "a table stays bounded")
            let lineage = ObjectIdentifier(try #require(record.nodes.nameTable.lineage))
            if lineages.last != lineage { lineages.append(lineage) }
        }
        #expect(lineages.count == 2, "one new table after 4,096 names")
    }

    @Test("a record built from a value tree has a table of its own")
    func builtRecordsHaveTheirOwnTable() {
        let element = XMLElementNode(name: XMLQualifiedName("记录"), children: [.element(XMLElementNode(name: XMLQualifiedName("名称")))])
        let nodes = XMLRecordNodes(element: element)
        #expect(nodes.nameTable.lineage == nil)
        #expect(nodes.name(0) == XMLQualifiedName("记录") && nodes.name(1) == XMLQualifiedName("名称"))
    }
}
