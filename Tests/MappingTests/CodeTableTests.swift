import Foundation
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
        #expect(index.lookup("cafe\u{301}") == .unknown)
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

    /// A key stored in other than its NFC form is found by text in NFC, which the index alone answers: U+F900 is a
    /// CJK compatibility ideograph whose NFC form is U+8C48.
    @Test("a key in another normal form is found by text in NFC; NFC text that is no key is absent without the dictionary")
    func normalForms() {
        let compatibility = "\u{F900}"
        let unified = "\u{8C48}"
        #expect(Array(compatibility.utf8) != Array(unified.utf8))
        #expect(compatibility == unified, "Swift compares canonically, as the dictionary does")
        let entries = [compatibility: "KEY", "公开招标公告": "OPEN", "cafe\u{301}": "CAFE"]
        let index = ExactTextIndex(entries)
        #expect(index.lookup(unified) == .found("KEY"))
        #expect(index.lookup(compatibility) == .found("KEY"))
        #expect(index.lookup("caf\u{E9}") == .found("CAFE"), "the NFC form of a decomposed key")
        #expect(index.lookup("公开招标") == .absent)
        #expect(index.lookup("（公开）、招标。ABC 123") == .absent)
        #expect(index.lookup("cafe") == .absent)
        // Text that may not be its own NFC form goes to the dictionary.
        #expect(index.lookup("cafe\u{301}\u{301}") == .unknown)
        #expect(index.lookup("\u{F901}") == .unknown)
        #expect(index.lookup("가") == .unknown, "Hangul composes")
        let table = CodeTable(name: "test", entries: entries, location: location)
        #expect(table.value(for: unified) == "KEY")
        #expect(table.value(for: "caf\u{E9}") == "CAFE")
        #expect(table.value(for: "公开招标") == nil)
    }

    /// The test for text that NFC leaves alone, checked against Foundation's NFC over every character it accepts
    /// in the ranges it names, and a sample of those it refuses.
    @Test("text the index calls its own NFC form is")
    func ownNormalForm() {
        let accepted: [ClosedRange<UInt32>] = [0x00...0x7F, 0x3001...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E]
        for range in accepted {
            for value in range {
                let text = String(Unicode.Scalar(value)!) + "中a"
                let stable = Array(text.utf8).withUnsafeBufferPointer(ExactTextIndex.isOwnNormalForm)
                #expect(stable, "U+\(String(value, radix: 16))")
                #expect(Array(text.precomposedStringWithCanonicalMapping.utf8) == Array(text.utf8), "U+\(String(value, radix: 16))")
            }
        }
        for refused in ["\u{302A}", "\u{F900}", "é", "e\u{301}", "가", "😀", "\u{3099}"] {
            #expect(!Array(refused.utf8).withUnsafeBufferPointer(ExactTextIndex.isOwnNormalForm), "\(refused)")
        }
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
