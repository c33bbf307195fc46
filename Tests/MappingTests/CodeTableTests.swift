import Testing

@testable import Mapping

@Suite("code tables: entries found by their bytes, canonically equal text still found")
struct CodeTableTests {
    let location = SourceLocation(file: "codes/test.yaml", line: 1, column: 1)

    @Test("every key finds its value, and text that is no key finds nothing")
    func everyKey() {
        var entries: [String: String] = ["公开招标公告": "PROCUREMENT.OPEN_TENDER", "FPJG": "HOUSING.ALLOC_RESULT", "": "EMPTY"]
        for index in 0..<200 { entries["代码\(index)"] = "CODE_\(index)" }
        let table = CodeTable(name: "test", entries: entries, location: location)
        for (key, value) in entries { #expect(table.value(for: key) == value, "\(key)") }
        #expect(table.value(for: "公开招标") == nil)
        #expect(table.value(for: "代码200") == nil)
        #expect(table.value(for: "fpjg") == nil)
        // A key assembled at run time (not a literal): the same bytes in other storage.
        #expect(table.value(for: String("代码1" + "99")) == "CODE_199")
    }

    @Test("the byte index alone finds every key by its bytes, and only by its bytes")
    func byteIndex() {
        var entries: [String: String] = ["caf\u{E9}": "CAFE", "": "EMPTY"]
        for index in 0..<300 { entries["公告\(index)"] = "N\(index)" }
        let index = ExactTextIndex(entries)
        for (key, value) in entries { #expect(index.value(for: key) == value, "\(key)") }
        #expect(index.value(for: "cafe\u{301}") == nil, "canonically equal, other bytes: left to the dictionary")
        #expect(index.value(for: "公告300") == nil)
        #expect(ExactTextIndex([:]).value(for: "x") == nil)
    }

    @Test("text canonically equal to a key in other bytes finds it, as a dictionary lookup does")
    func canonicalEquivalence() {
        let composed = "caf\u{E9}"  // é as one scalar
        let decomposed = "cafe\u{301}"  // e and a combining acute accent
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        let table = CodeTable(name: "test", entries: [composed: "CAFE"], location: location)
        #expect(table.value(for: decomposed) == "CAFE")
        #expect(table.value(for: composed) == "CAFE")
    }

    @Test("changed entries are found, and tables compare by name, entries and place")
    func changedEntries() {
        var table = CodeTable(name: "test", entries: ["甲": "A"], location: location)
        table.entries["乙"] = "B"
        table.entries["甲"] = nil
        #expect(table.value(for: "乙") == "B")
        #expect(table.value(for: "甲") == nil)
        let same = CodeTable(name: "test", entries: ["乙": "B"], location: location)
        #expect(table == same)
        #expect(table.hashValue == same.hashValue)
        #expect(table != CodeTable(name: "other", entries: ["乙": "B"], location: location))
    }
}
