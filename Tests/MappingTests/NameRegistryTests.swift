import Testing
import XMLStream

@testable import Mapping

@Suite("names mapping paths use, as small integers")
struct NameRegistryTests {
    @Test("a name keeps its id; lookups never register; a full registry gives no more ids")
    func registry() {
        let registry = NameRegistry(capacity: 2)
        let title = XMLQualifiedName("公告标题")
        let id = registry.register(title)
        #expect(registry.register(title) == id)
        #expect(registry.register(XMLQualifiedName("公告标题", namespaceURI: "urn:x")) != id)
        #expect(registry.lookup(XMLQualifiedName("不在映射里")) == NameRegistry.unknown)
        #expect(registry.generation == 2)
        #expect(registry.register(XMLQualifiedName("第三个")) == NameRegistry.unknown)
        #expect(registry.generation == 2)
        #expect(registry.lookup(title) == id)
    }

    @Test("a step whose name has no id still matches, by comparing names as text")
    func stepWithoutID() throws {
        let record = XMLElementNode(
            name: XMLQualifiedName("记录"),
            children: [.element(XMLElementNode(name: XMLQualifiedName("名称"), children: [.text("甲公司")]))])
        let scope = PathScope(record: RecordTree(record: record, ancestors: []))
        let path = try PathParser.parse("名称", bindings: NamespaceBindings())
        #expect(path.strings(in: scope) == ["甲公司"])
        // The same path with its step's id taken away, as when the registry is full.
        let stripped = PathExpression(
            start: path.start,
            steps: [PathExpression.Step(axis: .child, test: .element(XMLQualifiedName("名称")), predicates: [], nameID: NameRegistry.unknown)],
            text: path.text)
        #expect(stripped.steps[0].nameID == NameRegistry.unknown)
        #expect(stripped.route == nil)
        #expect(stripped.strings(in: scope) == ["甲公司"])
    }

    @Test("names of streamed records resolve by table index, across readers and after a table restarts")
    func namesResolveByTableIndex() throws {
        let path = try PathParser.parse("名称", bindings: NamespaceBindings())
        let reader = { (text: String) throws -> [XMLStreamedRecord] in
            let reader = XMLRecordReader(
                recordPatterns: [XMLPathPattern(steps: [.child(XMLQualifiedName("batch")), .child(XMLQualifiedName("record"))])])
            return try reader.feed(Array(text.utf8)) + reader.finish()
        }
        // The two readers number their names differently: 名称 is 2 in the first table and 3 in the second.
        let first = try reader("<batch><record><名称>甲</名称></record></batch>")
        let second = try reader("<batch><record><其他>x</其他><名称>乙</名称></record></batch>")
        #expect(first[0].nodes.nodes[1].nameIndex != second[0].nodes.nodes[2].nameIndex)
        var names = NameLookupCache()
        for _ in 0..<2 {
            for (record, expected) in [(first[0], "甲"), (second[0], "乙")] {
                let scope = PathScope(record: RecordTree(record, names: &names))
                #expect(path.strings(in: scope) == [expected])
            }
        }
    }
    @Test("trees built through one cache read their own ancestors, reused only while they are the same")
    func ancestorsPerRecord() throws {
        let project = try PathParser.parse("../项目编号", bindings: NamespaceBindings())
        let batch = try PathParser.parse("/批次/@批次号", bindings: NamespaceBindings())
        let reader = XMLRecordReader(
            recordPatterns: [XMLPathPattern(steps: [.child(XMLQualifiedName("批次")), .child(XMLQualifiedName("项目")), .child(XMLQualifiedName("公告"))])])
        let records = try reader.feed(
            Array(
                """
                <批次 批次号="B1"><项目><项目编号>P1</项目编号><公告/><公告/></项目>\
                <项目><项目编号>P2</项目编号><公告/></项目></批次>
                """.utf8)) + reader.finish()
        var names = NameLookupCache()
        let read = records.map { record in
            let scope = PathScope(record: RecordTree(record, names: &names))
            return (project.strings(in: scope), batch.strings(in: scope))
        }
        #expect(read.map(\.0) == [["P1"], ["P1"], ["P2"]])
        #expect(read.allSatisfy { $0.1 == ["B1"] })
        #expect(names.lastAncestorPart?.ancestors == records[2].ancestors)
    }
}
