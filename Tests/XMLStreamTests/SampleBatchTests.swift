import Foundation
import Testing
import XMLStream

/// The six department systems' sample batches stream to the records their interface notes describe.
@Suite struct SampleBatchTests {
    @Test func hzHousingGB18030() throws {
        let result = try read(Files.bytes(Files.sample("hz-housing", "batch-20241008-001.xml")), patterns: ["/BATCH/BODY/ROW"])
        #expect(result.records.count == 5)
        let first = try #require(result.records.first)
        #expect(first.element["BT"]?.text == "望江公租房2024年第三批分配结果公示")
        #expect(first.element["XMMC"]?.text == "杭州市上城区望江公共租赁住房项目")
        #expect(first.element["FJ", "MC"]?.text == "分配结果名单.pdf")
        #expect(first.element.position == XMLPosition(line: 10, column: 5))
        #expect(result.records.map { $0.element["JLBH"]?.text } == ["FP-2024-0381", "JH-2024-0002", "WC-2024-Q3", "FP-2024-0399", "FP-2024-0400"])

        let context = try #require(result.documentContext)
        #expect(context.name.localName == "BATCH")
        #expect(context["HEAD", "PCH"]?.text == "HZZB-20241008-001")
        #expect(context["HEAD", "JLS"]?.text == "5")
        #expect(context.child("BODY") == nil, "BODY held the records, so it is not context")

        #expect(first.ancestors.map(\.name.localName) == ["BATCH", "BODY"])
        #expect(first.ancestors[0]["HEAD", "XTBS"]?.text == "hz-housing")
        #expect(first.ancestors[1].children.isEmpty)
    }

    @Test func zjLandDefaultNamespace() throws {
        let ns = "urn:zj:nr:land-transfer:2.1"
        let result = try read(
            Files.bytes(Files.sample("zj-land", "batch-LT20241105A.xml")),
            patterns: ["/{\(ns)}landTransactions/{\(ns)}transaction", "/{\(ns)}landTransactions/{\(ns)}violation"])
        // The sample holds four transactions and one violation.
        #expect(result.records.filter { $0.patternIndex == 0 }.count == 4)
        #expect(result.records.filter { $0.patternIndex == 1 }.count == 1)
        #expect(result.records.count == 5)

        let first = try #require(result.records.first)
        #expect(first.element.name == XMLQualifiedName("transaction", namespaceURI: ns))
        #expect(first.element.prefix == nil)
        // Unprefixed attributes are in no namespace, even under a default namespace.
        #expect(first.element.attribute(XMLQualifiedName("id")) == "TD-330106-2024-031")
        #expect(first.element.attribute(XMLQualifiedName("id", namespaceURI: ns)) == nil)
        #expect(first.element.child("parcel")?.name.namespaceURI == ns)
        #expect(first.element.childElements.filter { $0.name.localName == "price" }.map(\.text) == ["186000", "213870.5"])

        let violation = try #require(result.records.first { $0.patternIndex == 1 })
        #expect(violation.element.attribute(XMLQualifiedName("id")) == "WF-2024-0009")
        #expect(violation.element["docNo"]?.text == "杭规划资源失信〔2024〕9号")
        #expect(violation.element["behaviour"]?.attribute(XMLQualifiedName("code")) == "L03")

        #expect(result.documentContext?.attribute(XMLQualifiedName("batch")) == "LT20241105A")
        #expect(result.documentContext?.childElements.isEmpty == true)
    }

    @Test func zjMiningSOAP() throws {
        let soap = "http://schemas.xmlsoap.org/soap/envelope/"
        let mining = "urn:zj:nr:mining:1.0"
        let result = try read(
            Files.bytes(Files.sample("zj-mining", "push-20241112-0001.xml")),
            patterns: ["/{\(soap)}Envelope/{\(soap)}Body/{\(mining)}pushMiningRightRecords/{\(mining)}record"])
        #expect(result.records.count == 4)
        #expect(result.records.map { $0.element["recordId"]?.text } == ["MR-2024-0112", "MR-2024-0098", "MR-2024-0077", "MR-2024-0120"])

        let first = try #require(result.records.first)
        #expect(first.element.prefix == "ns2")
        #expect(first.element["issuer", "name"]?.text == "浙江省自然资源厅")
        #expect(first.element["reserves"]?.attribute(XMLQualifiedName("unit")) == "万吨")
        #expect(first.ancestors.map(\.name.localName) == ["Envelope", "Body", "pushMiningRightRecords"])
        #expect(first.ancestors[2]["batchNo"]?.text == "MR-20241112-0001")
        #expect(first.ancestors[0]["Header", "Sender"]?.name == XMLQualifiedName("Sender", namespaceURI: "urn:zj:nr:mining:auth"))

        let context = try #require(result.documentContext)
        #expect(context.name == XMLQualifiedName("Envelope", namespaceURI: soap))
        #expect(context["Header", "Sender"]?.text == "zj-mining")
        #expect(context.child("Body") == nil)
    }

    @Test func nbGppChineseNames() throws {
        let first = try read(Files.bytes(Files.sample("nb-gpp", "NBZC-2024-1120-01.xml")), patterns: ["/采购信息批次/公告"])
        #expect(first.records.count == 4)
        #expect(first.documentContext?.attribute(XMLQualifiedName("批次号")) == "NBZC-2024-1120-01")
        let penalty = try #require(first.records.first { $0.element["公告类型"]?.text == "行政处罚" })
        #expect(penalty.element["处罚信息", "决定书文号"]?.text == "甬财采罚〔2024〕31号")
        #expect(penalty.element["处罚信息", "当事人"]?.attribute(XMLQualifiedName("类型")) == "法人")

        let second = try read(Files.bytes(Files.sample("nb-gpp", "NBZC-2024-1122-01.xml")), patterns: ["/采购信息批次/公告"])
        #expect(second.records.count == 2)
        #expect(second.records.map { $0.element.attribute(XMLQualifiedName("操作")) } == ["更正", "撤回"])
        #expect(second.records[0].element["成交供应商", "成交金额"]?.text == "12,680,000.00")
    }

    @Test func zjPropertyCDATA() throws {
        let result = try read(Files.bytes(Files.sample("zj-property", "CQJY-20241118.xml")), patterns: ["/Disclosures/Notice"])
        #expect(result.records.count == 4)
        let equity = try #require(result.records.first)
        #expect(equity.element["Body"]?.text == "<p>转让标的：杭州某科技有限公司35%股权。</p><p>受让方资格条件：……</p>")
        #expect(equity.element["Body"]?.children.count == 1)
        #expect(equity.element["FinancialStatement"]?.attribute(XMLQualifiedName("confidential")) == "commercial")
        #expect(equity.element["ListingPeriod"]?.children.isEmpty == true)

        let context = try #require(result.documentContext)
        #expect(context.attribute(XMLQualifiedName("batchRef", namespaceURI: "urn:zjcq:disclosure")) == "CQJY-20241118")
        #expect(context.attributes.first?.prefix == "cq")
        // Namespace declarations are not attributes.
        #expect(context.attributes.count == 2)
    }

    @Test func wzBiddingDeepNesting() throws {
        let result = try read(Files.bytes(Files.sample("wz-bidding", "WZJY-20241125-07.xml")), patterns: ["//Bulletin", "//Case"])
        let bulletins = result.records.filter { $0.patternIndex == 0 }
        let cases = result.records.filter { $0.patternIndex == 1 }
        #expect(bulletins.count == 2)
        #expect(cases.count == 2)

        let first = try #require(bulletins.first)
        #expect(first.element.attribute(XMLQualifiedName("id")) == "HX-2024-0871-001")
        #expect(first.ancestors.map(\.name.localName) == ["DataExchange", "Payload", "TenderProject", "Sections", "Section"])
        let project = first.ancestors[2]
        #expect(project.attribute(XMLQualifiedName("code")) == "E3303002024000871")
        #expect(project["Name"]?.text == "温州市瓯海区某小学迁建工程施工")
        #expect(project["Owner"]?.attribute(XMLQualifiedName("name")) == "温州市瓯海区教育局")
        #expect(project.childElements.map(\.name.localName) == ["Name", "Region", "ProjectType", "Owner", "Agency"])
        #expect(first.ancestors[4]["Name"]?.text == "施工总承包")
        #expect(first.ancestors[0]["Envelope", "BatchSerial"]?.text == "WZJY-20241125-07")
        #expect(first.element["Candidates"]?.childElements.count == 3)

        let second = try #require(bulletins.last)
        #expect(second.ancestors[2]["Name"]?.text == "温州市鹿城区某道路改造工程")
        #expect(second.ancestors[1].children.isEmpty, "the first TenderProject held a record, so it is not context")

        #expect(cases.map { $0.element.attribute(XMLQualifiedName("id")) } == ["WZJG-CF-2024-019", "WZJG-CF-2024-020"])
        #expect(cases[0].ancestors.map(\.name.localName) == ["DataExchange", "Payload", "Enforcement"])
        #expect(cases[0].element["Parties"]?.childElements.count == 2)
    }

    @Test func wzBiddingCasesAloneKeepProjectsAsContext() throws {
        let result = try read(Files.bytes(Files.sample("wz-bidding", "WZJY-20241125-07.xml")), patterns: ["//Case"])
        #expect(result.records.count == 2)
        let payload = try #require(result.records.first?.ancestors[1])
        #expect(payload.childElements.map { $0.attribute(XMLQualifiedName("code")) } == ["E3303002024000871", "E3303002024000655"])
    }

    @Test func readFileStreamsInChunks() throws {
        let reader = XMLRecordReader(recordPatterns: [pattern("/BATCH/BODY/ROW")])
        var ids: [String?] = []
        try reader.readFile(at: Files.sample("hz-housing", "batch-20241008-001.xml").path, chunkSize: 100) { record in
            ids.append(record.element["JLBH"]?.text)
        }
        #expect(ids == ["FP-2024-0381", "JH-2024-0002", "WC-2024-Q3", "FP-2024-0399", "FP-2024-0400"])
        #expect(reader.documentContext?["HEAD", "PCH"]?.text == "HZZB-20241008-001")
    }

    @Test func readChunksHandsOutRecordsAsTheyComplete() throws {
        let document = try Files.bytes(Files.sample("nb-gpp", "NBZC-2024-1120-01.xml"))
        let chunks = stride(from: 0, to: document.count, by: 1000).map { document[$0..<min($0 + 1000, document.count)] }
        let reader = XMLRecordReader(recordPatterns: [pattern("/采购信息批次/公告")])
        var numbers: [String?] = []
        try reader.read(chunks: chunks) { numbers.append($0.element["公告编号"]?.text) }
        #expect(numbers.first == "NBCG-2024-08812-JG")
        #expect(numbers.count == 4)
        #expect(reader.documentContext?.attribute(XMLQualifiedName("系统")) == "nb-gpp")
    }

    @Test func readFileReportsAMissingFile() {
        let reader = XMLRecordReader(recordPatterns: [pattern("//ROW")])
        #expect {
            try reader.readFile(at: "/nonexistent/batch.xml") { _ in }
        } throws: { error in
            (error as? XMLStreamError)?.code == .io
        }
    }
}
