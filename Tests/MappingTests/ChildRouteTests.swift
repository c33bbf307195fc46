import Foundation
import Testing
import XMLStream

@testable import Mapping

@Suite("child routes: the usual field path followed by name ids")
struct ChildRouteTests {
    func element(_ name: String, attributes: [String: String] = [:], text: String? = nil, _ children: [XMLElementNode] = []) -> XMLElementNode {
        var node = XMLElementNode(
            name: XMLQualifiedName(name),
            attributes: attributes.sorted { $0.key < $1.key }.map { XMLAttributeNode(name: XMLQualifiedName($0.key), value: $0.value) })
        if let text { node.children.append(.text(text)) }
        node.children += children.map { .element($0) }
        return node
    }

    var tree: RecordTree {
        let party1 = element("当事人", attributes: ["类型": "法人"], [element("名称", text: "甲公司"), element("代码", text: "9133")])
        let party2 = element("当事人", attributes: ["类型": "自然人"], [element("名称", text: "吴某某")])
        let authority = element("处罚机关", attributes: ["代码": "1133"], [element("名称", text: "某局")])
        let record = element(
            "公告", attributes: ["操作": "更正"],
            [element("编号", text: " N-1 "), element("处罚信息", [party1, party2, authority]), element("空")])
        let project = element("项目", attributes: ["编号": "P1"], [element("名称", text: "某工程")])
        return RecordTree(record: record, ancestors: [element("批次", [project]), project])
    }

    /// The path with its names stripped of their ids: no route, names compared as text, the general evaluation.
    func general(_ path: PathExpression) -> PathExpression {
        let steps = path.steps.map { step in
            PathExpression.Step(axis: step.axis, test: step.test, predicates: step.predicates, nameID: NameRegistry.unknown)
        }
        return PathExpression(start: path.start, steps: steps, text: path.text)
    }

    @Test("routes select what the general evaluation selects, for every shape they cover and one element or several")
    func sameSelections() throws {
        let scope = PathScope(record: tree)
        let routed = [
            "编号", "处罚信息", "处罚信息/当事人", "处罚信息/当事人/名称", "处罚信息/处罚机关/名称", "处罚信息/处罚机关/@代码",
            "@操作", "@缺少", "缺少/名称", "空", "空/名称", "../名称", "../@编号", "./编号", "处罚信息/./处罚机关/../处罚机关/name()",
            "编号/text()", "处罚信息/text()", "..", ".",
        ]
        for text in routed {
            let path = try PathParser.parse(text, bindings: NamespaceBindings())
            #expect(path.route != nil, "\(text)")
            let oracle = general(path)
            // Paths without element names keep their route: their expected values are stated below.
            let namesElements = path.steps.contains { if case .element = $0.test { true } else { false } }
            #expect((oracle.route == nil) == namesElements, "\(text)")
            #expect(path.strings(in: scope) == oracle.strings(in: scope), "\(text)")
        }
        func strings(_ text: String) throws -> [String] { try PathParser.parse(text, bindings: NamespaceBindings()).strings(in: scope) }
        #expect(try strings("处罚信息/当事人/名称") == ["甲公司", "吴某某"])
        #expect(try strings("编号") == [" N-1 "])
        #expect(try strings("处罚信息/处罚机关/@代码") == ["1133"])
        #expect(try strings("@操作") == ["更正"])
        #expect(try strings("@缺少") == [])
        #expect(try strings("../@编号") == ["P1"])
        #expect(try strings("..") == ["某工程"])
        #expect(try strings(".").first?.contains("甲公司") == true)
        #expect(try strings("处罚信息/./处罚机关/../处罚机关/name()") == ["处罚机关"])
    }

    @Test("a record with many children answers its child steps from a table, as scanning them would")
    func wideRecordTable() throws {
        let texts = [
            "编号", "名称", "类型", "金额", "金额/@单位", "缺少", "缺少/名称", "空", "空/名称", "./编号", "处罚信息/当事人/名称",
            "处罚信息/当事人", "../名称", "日期/text()", "类型/name()", "../@编号",
        ]
        // Parsed first: a tree tables only names registered before it was built.
        let paths = try texts.map { try PathParser.parse($0, bindings: NamespaceBindings()) }
        let party = element("当事人", [element("名称", text: "甲公司")])
        let record = element(
            "公告",
            [
                element("编号", text: "N-1"), element("名称", text: "第一"), element("名称", text: "第二"), element("类型", text: "公开"),
                element("金额", attributes: ["单位": "万元"], text: "12"), element("日期", text: "2024-11-22"), element("空"),
                element("处罚信息", [party]),
            ])
        let project = element("项目", attributes: ["编号": "P1"], [element("名称", text: "某工程")])
        let wide = RecordTree(record: record, ancestors: [element("批次", [project]), project])
        let scope = PathScope(record: wide)
        let nameID = try #require(paths[0].steps.first?.nameID)
        #expect(wide.recordChild(withNameID: nameID) != nil, "the record's children are tabled")

        func describe(_ selection: PathExpression.SingleSelection?) -> String {
            switch selection {
            case nil: "no answer"
            case .notSingle?: "several"
            case .nothing?: "nothing"
            case .one(.element(let node))?: "element \(node)"
            case .one(.text(let text, let owner))?: "text \(text) of \(owner)"
            }
        }
        for (text, path) in zip(texts, paths) {
            let route = try #require(path.route, "\(text)")
            let oracle = general(path)
            #expect(describe(route.select(in: scope)) == describe(oracle.singleSelection(in: scope)), "\(text)")
            #expect(path.strings(in: scope) == oracle.strings(in: scope), "\(text)")
        }
        func selection(_ index: Int) -> String { describe(paths[index].route?.select(in: scope)) }
        #expect(selection(1) == "several", "two <名称>")
        #expect(selection(5) == "nothing")
        #expect(try PathParser.parse("名称", bindings: NamespaceBindings()).strings(in: scope) == ["第一", "第二"])
        #expect(selection(4) == describe(.one(.text("万元", owner: wide.record + 5))))
        #expect(paths[10].strings(in: scope) == ["甲公司"])
        #expect(paths[12].strings(in: scope) == ["某工程"])
    }

    @Test("paths of other shapes have no route")
    func otherShapes() throws {
        for text in ["处罚信息/当事人[2]/名称", ".//名称", "/批次/项目", "$record/编号", "ancestor::项目/@编号", "*/名称", "处罚信息/@*", "@操作/名称"] {
            guard let path = try? PathParser.parse(text, bindings: NamespaceBindings()) else { continue }
            #expect(path.route == nil, "\(text)")
        }
    }

    @Test("a tree that compares a route's name as text (built before the name was registered) leaves the path to the general evaluation")
    func treeOlderThanName() throws {
        let name = "后来才有的名称\(UUID().uuidString.prefix(8))"
        let old = RecordTree(record: element("记录", [element(name, text: "值")]), ancestors: [])
        let path = try PathParser.parse(name, bindings: NamespaceBindings())
        let route = try #require(path.route)
        #expect(route.select(in: PathScope(record: old)) == nil)
        #expect(path.strings(in: PathScope(record: old)) == ["值"])
        let fresh = RecordTree(record: element("记录", [element(name, text: "值")]), ancestors: [])
        #expect(route.select(in: PathScope(record: fresh)) != nil)
        #expect(path.strings(in: PathScope(record: fresh)) == ["值"])
    }
}
