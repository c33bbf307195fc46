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
        var path = try PathParser.parse("名称", bindings: NamespaceBindings())
        #expect(path.strings(in: scope) == ["甲公司"])
        // The same path with its step's id taken away, as when the registry is full.
        path.steps[0] = PathExpression.Step(axis: .child, test: .element(XMLQualifiedName("名称")), predicates: [], nameID: NameRegistry.unknown)
        #expect(path.steps[0].nameID == NameRegistry.unknown)
        #expect(path.strings(in: scope) == ["甲公司"])
    }
}
