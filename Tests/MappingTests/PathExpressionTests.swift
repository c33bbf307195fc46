import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

@Suite("Path expressions over element trees")
struct PathExpressionTests {
    let ns = "urn:test"

    func element(
        _ name: String, ns: String = "", attributes: [String: String] = [:], text: String? = nil, _ children: [XMLElementNode] = [], line: Int = 1
    ) -> XMLElementNode {
        var node = XMLElementNode(
            name: XMLQualifiedName(name, namespaceURI: ns),
            attributes: attributes.sorted { $0.key < $1.key }.map { XMLAttributeNode(name: XMLQualifiedName($0.key), value: $0.value) },
            position: XMLPosition(line: line, column: 1))
        if let text { node.children.append(.text(text)) }
        node.children += children.map { .element($0) }
        return node
    }

    func strings(_ path: String, in scope: PathScope, bindings: NamespaceBindings = NamespaceBindings()) throws -> [String] {
        try PathParser.parse(path, bindings: bindings).strings(in: scope)
    }

    var caseTree: RecordTree {
        let fine1 = element("Fine", attributes: ["payer": "单位", "unit": "元"], text: "412,000.00", line: 20)
        let fine2 = element("Fine", attributes: ["payer": "直接责任人", "unit": "元"], text: "20,600.00", line: 21)
        let party1 = element("Party", attributes: ["role": "单位"], [element("Name", text: "甲公司")], line: 10)
        let party2 = element("Party", attributes: ["role": "直接责任人"], [element("Name", text: "吴某某")], line: 12)
        let record = element("Case", attributes: ["id": "C1"], [element("Parties", [party1, party2]), fine1, fine2], line: 5)
        let project = element("Project", attributes: ["code": "P1"], [element("Name", text: "某工程")], line: 3)
        let root = element("Root", [element("Head", [element("No", text: "B-1")])], line: 1)
        return RecordTree(record: record, ancestors: [root, project])
    }

    @Test func childrenAttributesAndPredicates() throws {
        let scope = PathScope(record: caseTree)
        #expect(try strings("@id", in: scope) == ["C1"])
        #expect(try strings("Parties/Party/Name", in: scope) == ["甲公司", "吴某某"])
        #expect(try strings("Parties/Party[2]/Name", in: scope) == ["吴某某"])
        #expect(try strings("Fine[@payer='直接责任人']", in: scope) == ["20,600.00"])
        #expect(try strings(".//Name", in: scope) == ["甲公司", "吴某某"])
        #expect(try strings("Parties/Party/name()", in: scope) == ["Party", "Party"])
    }

    @Test func ancestorsAndRoot() throws {
        let scope = PathScope(record: caseTree)
        #expect(try strings("ancestor::Project/@code", in: scope) == ["P1"])
        #expect(try strings("../Name", in: scope) == ["某工程"])
        #expect(try strings("/Root/Head/No", in: scope) == ["B-1"])
        #expect(try strings("//No", in: scope) == ["B-1"])
        #expect(try strings("/Other/Head/No", in: scope) == [])
    }

    @Test("absolute paths pass through the open ancestors; the record is not yet a child of its parent")
    func openAncestors() throws {
        let scope = PathScope(record: caseTree)
        #expect(try strings("/Root/Project/@code", in: scope) == ["P1"])
        #expect(try strings("/Root/Project/Name", in: scope) == ["某工程"])
        #expect(try strings("../Case", in: scope) == [])
        #expect(try strings("//Case", in: scope) == [])
        #expect(try strings("..", in: scope) == ["某工程"])
        #expect(try strings(".", in: scope) == ["甲公司吴某某412,000.0020,600.00"])
        #expect(try strings("Parties/Party[@role='单位']/Name", in: scope) == ["甲公司"])
        #expect(try strings("Fine/text()", in: scope) == ["412,000.00", "20,600.00"])
        #expect(try strings("Parties/*/Name", in: scope) == ["甲公司", "吴某某"])
    }

    @Test("a predicate can compare with a bound variable: each party's own fine")
    func variablePredicate() throws {
        let base = PathScope(record: caseTree)
        let parties = try PathParser.parse("Parties/Party", bindings: NamespaceBindings()).evaluate(in: base)
        #expect(parties.count == 2)
        var fines: [String] = []
        for party in parties {
            var scope = base.with(context: party.owner)
            scope.variables["party"] = [party]
            fines += try strings("$record/Fine[@payer=$party/@role]", in: scope)
        }
        #expect(fines == ["412,000.00", "20,600.00"])
    }

    @Test("names match by namespace URI whatever the prefix; unprefixed attributes have no namespace")
    func namespaces() throws {
        let child = element("title", ns: ns, text: "T")
        let record = element("record", ns: ns, attributes: ["id": "7"], [child])
        let scope = PathScope(record: RecordTree(record: record, ancestors: []))
        #expect(try strings("m:title", in: scope, bindings: NamespaceBindings(prefixes: ["m": ns])) == ["T"])
        #expect(try strings("title", in: scope, bindings: NamespaceBindings(defaultNamespace: ns)) == ["T"])
        #expect(try strings("title", in: scope) == [])
        #expect(try strings("@id", in: scope, bindings: NamespaceBindings(defaultNamespace: ns)) == ["7"])
    }

    @Test func syntaxErrorsSayWhere() {
        for (text, offset) in [("a/", 2), ("a[", 2), ("@", 1), ("a//@", 4), ("$", 1), ("a[@x='y]", 6)] {
            #expect(throws: PathSyntaxError.self) { try PathParser.parse(text, bindings: NamespaceBindings()) }
            do {
                _ = try PathParser.parse(text, bindings: NamespaceBindings())
            } catch {
                #expect(error.offset >= offset - 1, "\(text)")
            }
        }
        #expect(throws: PathSyntaxError.self) { try PathParser.parse("@a/b", bindings: NamespaceBindings()) }
    }
}

@Suite("Date formats department systems use")
struct DatePatternTests {
    @Test(arguments: [
        ("yyyyMMdd", "20240920", "2024-09-20"), ("yyyy年M月d日", "2024年11月8日", "2024-11-08"), ("yyyy/MM/dd", "2024/11/15", "2024-11-15"),
        ("yyyy.M.d", "2024.3.1", "2024-03-01"), ("yyyy-MM-dd HH:mm:ss", "2024-10-08 09:30:00", "2024-10-08"),
        ("rfc3339", "2024-10-30T10:00:00+08:00", "2024-10-30"), ("rfc3339", "2024-10-30T20:00:00Z", "2024-10-31"),
        ("rfc3339", "2024-10-30T20:00:00.250-05:00", "2024-10-31"), ("rfc3339", "2024-10-30T10:00:00.250-05:00", "2024-10-30"),
    ])
    func reads(format: String, text: String, expected: String) throws {
        #expect(try #require(DatePattern(format)).parse(text)?.description == expected)
    }

    @Test(arguments: [
        ("yyyyMMdd", "2024-13-01"), ("yyyyMMdd", "20241301"), ("yyyyMMdd", "20230229"), ("yyyy年M月d日", "2024年11月"), ("rfc3339", "2024-10-30"),
        ("rfc3339", "2024-10-30T25:00:00+08:00"), ("yyyy/MM/dd", "2024/1/15"),
    ])
    func refuses(format: String, text: String) throws {
        #expect(try #require(DatePattern(format)).parse(text) == nil)
    }
}
