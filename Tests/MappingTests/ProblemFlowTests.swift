import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

/// Problems travel from the expression that finds them straight into the record's list: a `first:` expression keeps
/// only those of the part it takes, and a field whose conversion failed gets no second, "required" problem. A domain
/// the catalog does not have is one of the record's problems.
@Suite("problems: those of the part taken, once per field")
struct ProblemFlowTests {
    /// The demo mapping of the check tests, its `formedOn` a `first:` of two dates, with a `publishedOn`.
    static let mapping = MappingCheckTests().valid.replacingOccurrences(
        of: "formedOn: {path: \"RQ\", date: \"yyyyMMdd\"}",
        with: """
            formedOn: {first: [{path: "RQ1", date: "yyyyMMdd"}, {path: "RQ2", date: "yyyyMMdd"}]}
                  publishedOn: {path: "FB", date: "yyyyMMdd"}
            """)

    /// The outcomes of `rows` (the inside of each `<ROW>`, after the fields every row shares).
    static func outcomes(_ rows: [String], mapping: String = mapping) throws -> [RecordOutcome] {
        let (loaded, diagnostics) = MappingLoader.load(text: mapping, file: "demo.yaml", environment: MappingEnvironment())
        #expect(diagnostics.isEmpty)
        let spec = try #require(loaded)
        let standard = try ProjectFiles.loadMappings().standard
        let mapper = RecordMapper(spec: spec, standard: standard)
        let shared = "<XZQH>330106</XZQH><BT>计划</BT><DW>杭州市住房保障和房产管理局</DW><DM>91330302W3LNEMFN3J</DM>"
        let document = "<BATCH>" + rows.enumerated().map { "<ROW><ID>R\($0.offset)</ID>\(shared)\($0.element)</ROW>" }.joined() + "</BATCH>"
        let reader = XMLRecordReader(recordPatterns: spec.records.map(\.pattern))
        let records = try reader.feed(Array(document.utf8)) + reader.finish()
        let context = TranslationContext(
            sourceSystem: "demo", batchId: "B1", receivedAt: "2024-10-08T09:35:00+08:00", receivedOn: LocalDate(year: 2024, month: 10, day: 8)!)
        return records.compactMap { mapper.map($0, context: context) }
    }

    static func problems(_ outcome: RecordOutcome) -> [RecordProblem] {
        if case .rejected(let rejection) = outcome { rejection.problems } else { [] }
    }

    @Test("a first: part passed over leaves no problem; the part taken keeps its own")
    func firstKeepsThePartTaken() throws {
        let outcomes = try Self.outcomes([
            "<RQ1>2024-13-01</RQ1><RQ2>20241008</RQ2>",  // the first part fails its date and is passed over
            "<RQ1>20241009</RQ1><RQ2>2024-13-01</RQ2>",  // the first part is taken; the second is never read
            "<RQ1>2024-13-01</RQ1><RQ2>2024-13-02</RQ2>",  // no part has a value: formedOn is missing
        ])
        #expect(outcomes.count == 3)
        guard outcomes.count == 3 else { return }
        guard case .mapped(let first) = outcomes[0], case .mapped(let second) = outcomes[1] else {
            Issue.record("expected the first two rows mapped: \(outcomes.map(Self.problems))")
            return
        }
        #expect(first.hub.formedOn == LocalDate(year: 2024, month: 10, day: 8))
        #expect(second.hub.formedOn == LocalDate(year: 2024, month: 10, day: 9))
        #expect(Self.problems(outcomes[2]).map(\.field) == ["formedOn"])
        #expect(Self.problems(outcomes[2]).map(\.rule) == ["required"])
    }

    @Test("a value whose conversion failed is reported once, as that failure, not also as missing")
    func failedConversionOnce() throws {
        let outcomes = try Self.outcomes(["<RQ1>20241008</RQ1><FB>2024-02-30</FB>"])
        let problems = Self.problems(try #require(outcomes.first))
        #expect(problems.map(\.field) == ["publishedOn"])
        #expect(problems.first?.value == "2024-02-30")
        #expect(problems.first?.rule != "required")
    }

    @Test("a domain the catalog does not have is a problem of the record; a known one is not")
    func unknownDomain() throws {
        let mapping = Self.mapping.replacingOccurrences(of: "domain: {const: \"HOUSING\"}", with: "domain: \"LY\"")
        let outcomes = try Self.outcomes(["<RQ1>20241008</RQ1><LY>HOUSING</LY>", "<RQ1>20241008</RQ1><LY>NOPE</LY>"], mapping: mapping)
        #expect(outcomes.count == 2)
        guard outcomes.count == 2 else { return }
        #expect(Self.problems(outcomes[0]).isEmpty)
        let problems = Self.problems(outcomes[1])
        #expect(problems.contains { $0.field == "domain" && $0.rule == "catalog.unknownDomain" && $0.value == "NOPE" })
    }
}
