import ExchangeStandard
import Testing
import Yams

@Suite("Disclosure catalog")
struct DisclosureCatalogTests {
    let catalog: DisclosureCatalog

    init() throws {
        catalog = try RepositoryFiles.catalog()
    }

    @Test("domains and item types of spec/catalog.md")
    func contents() {
        #expect(catalog.domains.map(\.code) == ["HOUSING", "LAND", "MINING", "PROCUREMENT", "PROPERTY", "CONSTRUCTION"])
        #expect(catalog.itemTypes.count == 68)
        let counts = catalog.domains.map { catalog.itemTypes(inDomain: $0.code).count }
        #expect(counts == [10, 8, 7, 21, 12, 10])
        #expect(catalog.domain(code: "HOUSING")?.name == "住房保障")
        #expect(catalog.domain(code: "HOUSING")?.scope == "保障性安居工程建设、保障性住房分配、农村危房改造")
        #expect(catalog.domain(code: "PROPERTY")?.exception == "除涉及商业秘密外")
        #expect(catalog.domain(code: "CONSTRUCTION")?.exception == "除涉及国家秘密、商业秘密外")
        #expect(catalog.domain(code: "NOPE") == nil)
    }

    @Test("lookups")
    func lookups() throws {
        let item = try #require(catalog.itemType(code: "HOUSING.ALLOC_RESULT"))
        #expect(item.name == "分配结果")
        #expect(item.domain == "HOUSING")
        #expect(item.deadlineWorkingDays == 20)
        #expect(!item.credit)
        #expect(item.decision == nil)
        #expect(catalog.itemType(code: "LAND.DEAL_PUBLICITY")?.name == "成交公示")
        #expect(catalog.itemType(code: "PROPERTY.NO_DEAL")?.name == "未成交／交易中（终）止公告")
        #expect(catalog.itemType(code: "CONSTRUCTION.CANDIDATES")?.content.count == 11)
        #expect(catalog.itemType(code: "HOUSING.FPXX") == nil)
        #expect(catalog.creditItemType(inDomain: "LAND")?.code == "LAND.CREDIT")
        #expect(catalog.creditItemType(inDomain: "HOUSING") == nil)
    }

    @Test("every trading domain has exactly one CREDIT item, a penalty decision by default")
    func creditItems() {
        let credit = catalog.itemTypes.filter(\.credit)
        #expect(credit.map(\.code) == ["LAND.CREDIT", "MINING.CREDIT", "PROCUREMENT.CREDIT", "PROPERTY.CREDIT", "CONSTRUCTION.CREDIT"])
        #expect(credit.allSatisfy { $0.decision == .penalty && $0.name == "交易活动违法失信行为记录" })
        #expect(catalog.itemTypes.filter { !$0.credit }.allSatisfy { $0.decision == nil && !$0.code.hasSuffix(".CREDIT") })
    }

    @Test("deadlines: 20 working days, 7 for licensing and penalty decisions")
    func deadlines() throws {
        #expect(try catalog.deadlineWorkingDays(itemType: "HOUSING.ALLOC_RESULT") == 20)
        #expect(try catalog.deadlineWorkingDays(itemType: "HOUSING.ALLOC_RESULT", decision: nil) == 20)
        #expect(try catalog.deadlineWorkingDays(itemType: "MINING.APPROVAL_RESULT", decision: .licensing) == 7)
        #expect(try catalog.deadlineWorkingDays(itemType: "PROCUREMENT.COMPLAINT_DECISION", decision: .penalty) == 7)
        #expect(try catalog.deadlineWorkingDays(itemType: "PROCUREMENT.CREDIT") == 7)
        #expect(try catalog.deadlineWorkingDays(itemType: "LAND.CREDIT", decision: .licensing) == 7)
        #expect(catalog.decisionDeadlines[.licensing].workingDays == 7)
        #expect(catalog.decisionDeadlines[.penalty].workingDays == 7)
        #expect(throws: CatalogError.unknownItemType("HOUSING.FPXX")) { try catalog.deadlineWorkingDays(itemType: "HOUSING.FPXX") }
        #expect(CatalogError.unknownItemType("HOUSING.FPXX").chineseMessage == "公开事项“HOUSING.FPXX”不在主动公开目录中")
    }

    @Test("catalog data breaking the catalog's rules does not decode")
    func invalidCatalogs() {
        let head = "decisionDeadlines: {licensing: {workingDays: 7}, penalty: {workingDays: 7}}\ndomains: [{code: \"LAND\", name: \"土地\"}]\n"
        let cases = [
            head
                + "itemTypes: [{code: \"LAND.A\", name: \"a\", deadline: {workingDays: 20}}, {code: \"LAND.A\", name: \"b\", deadline: {workingDays: 20}}]",
            head + "itemTypes: [{code: \"MINING.A\", name: \"a\", deadline: {workingDays: 20}}]",
            head + "itemTypes: [{code: \"LAND\", name: \"a\", deadline: {workingDays: 20}}]",
            head + "itemTypes: [{code: \"land.a\", name: \"a\", deadline: {workingDays: 20}}]",
            head + "itemTypes: [{code: \"LAND.A\", name: \"a\", deadline: {workingDays: 0}}]",
            head + "itemTypes: [{code: \"LAND.A\", name: \"a\", deadline: {workingDays: 20}, decison: \"penalty\"}]",
            head + "itemTypes: [{code: \"LAND.A\", name: \"a\", deadline: {workingDays: 20}, decision: \"fine\"}]",
            head + "itemTypes: [{code: \"LAND.A\", name: \"a\"}]",
        ]
        for yaml in cases {
            #expect(throws: (any Error).self, "\(yaml)") { try YAMLDecoder().decode(DisclosureCatalog.self, from: yaml) }
        }
        let valid = head + "itemTypes: [{code: \"LAND.A\", name: \"a\", deadline: {workingDays: 20}}]"
        #expect(throws: Never.self) { try YAMLDecoder().decode(DisclosureCatalog.self, from: valid) }
    }
}
