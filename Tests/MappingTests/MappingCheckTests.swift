import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

@Suite("mappings check finds problems without input data, with file:line:column")
struct MappingCheckTests {
    let environment = MappingEnvironment(
        codeTables: [:], catalogDomains: ["HOUSING"], catalogItemTypes: ["HOUSING.ALLOC_RESULT", "HOUSING.PLAN"])

    func diagnostics(_ text: String) -> [MappingDiagnostic] {
        MappingLoader.load(text: text, file: "broken.yaml", environment: environment).1
    }

    let valid = """
        system: "demo"
        records:
          - name: "row"
            path: "/BATCH/ROW"
            id: "ID"
            hub:
              domain: {const: "HOUSING"}
              itemType: {const: "HOUSING.PLAN"}
              regionCode: "XZQH"
              title: "BT"
              formedOn: {path: "RQ", date: "yyyyMMdd"}
              responsible: {role: {const: "发布单位"}, name: "DW", uscc: "DM"}
        """

    @Test func validFileHasNoDiagnostics() {
        #expect(diagnostics(valid) == [])
    }

    @Test func unknownKeyNamesLineColumnAndSuggests() throws {
        let found = diagnostics(valid.replacingOccurrences(of: "    id: \"ID\"", with: "    idd: \"ID\""))
        let unknown = try #require(found.first { $0.code == "unknown_key" })
        #expect(unknown.location.description == "broken.yaml:5:5")
        #expect(unknown.message.contains("did you mean 'id'"))
    }

    @Test func malformedPath() throws {
        let found = diagnostics(valid.replacingOccurrences(of: "title: \"BT\"", with: "title: \"BT[@x=\""))
        let error = try #require(found.first { $0.code == "malformed_path" })
        #expect(error.location.line == 10)
        #expect(!found.contains { $0.code == "missing_field" })
    }

    @Test func unboundNamespacePrefix() throws {
        let found = diagnostics(valid.replacingOccurrences(of: "title: \"BT\"", with: "title: \"x:BT\""))
        #expect(try #require(found.first { $0.code == "malformed_path" }).message.contains("prefix 'x'"))
    }

    @Test func unknownCodeTable() throws {
        let found = diagnostics(
            valid.replacingOccurrences(of: "itemType: {const: \"HOUSING.PLAN\"}", with: "itemType: {path: \"GK\", code: \"nope\"}"))
        let error = try #require(found.first { $0.code == "unknown_code_table" })
        #expect(error.location.line == 8)
    }

    @Test func unknownTargetField() throws {
        let found = diagnostics(valid.replacingOccurrences(of: "title: \"BT\"", with: "titel: \"BT\""))
        #expect(found.contains { $0.code == "unknown_target_field" && $0.message.contains("did you mean 'title'") })
        #expect(found.contains { $0.code == "missing_field" && $0.message.contains("title") })
    }

    @Test func unknownCatalogCodeInConstantAndInlineTable() throws {
        var found = diagnostics(valid.replacingOccurrences(of: "HOUSING.PLAN", with: "HOUSING.PLN"))
        #expect(found.contains { $0.code == "unknown_catalog_code" && $0.message.contains("HOUSING.PLAN") })
        found = diagnostics(
            valid.replacingOccurrences(of: "itemType: {const: \"HOUSING.PLAN\"}", with: "itemType: {path: \"GK\", code: {\"A\": \"LAND.X\"}}"))
        #expect(found.contains { $0.code == "unknown_catalog_code" })
    }

    @Test func typeErrors() throws {
        var found = diagnostics(valid.replacingOccurrences(of: "date: \"yyyyMMdd\"", with: "amount: \"万元\""))
        #expect(found.contains { $0.code == "type_error" && $0.location.line == 11 })
        found = diagnostics(valid.replacingOccurrences(of: "date: \"yyyyMMdd\"", with: "date: \"dd\""))
        #expect(found.contains { $0.code == "type_error" })
        found = diagnostics(valid.replacingOccurrences(of: "name: \"DW\"", with: "name: [\"DW\"]"))
        #expect(found.contains { $0.code == "type_error" })
    }

    @Test func unboundVariable() {
        let found = diagnostics(valid.replacingOccurrences(of: "title: \"BT\"", with: "title: \"$party/BT\""))
        #expect(found.contains { $0.code == "unbound_variable" && $0.message.contains("$party") })
    }

    @Test func yamlSyntaxErrorHasPosition() throws {
        let found = diagnostics("system: \"demo\"\nrecords: [\n  - {")
        let error = try #require(found.first)
        #expect(error.code == "yaml_syntax")
        #expect(error.location.line >= 2)
    }

    @Test("YAML 1.1 booleans stay text in code tables")
    func booleanLookingKeysStayText() throws {
        let text = valid.replacingOccurrences(
            of: "itemType: {const: \"HOUSING.PLAN\"}", with: "itemType: {path: \"GK\", code: {no: \"HOUSING.PLAN\", off: \"HOUSING.ALLOC_RESULT\"}}")
        let (spec, found) = MappingLoader.load(text: text, file: "t.yaml", environment: environment)
        #expect(found == [])
        let loaded = try #require(spec)
        let table = try #require(loaded.records[0].hub.field("itemType")?.transforms.codeTable)
        #expect(table.entries["no"] == "HOUSING.PLAN")
        #expect(table.entries["off"] == "HOUSING.ALLOC_RESULT")
    }
}
