import ExchangeStandard
import Foundation
import Testing

@testable import Mapping

@Suite("stored traces: compact, and read back whole")
struct StoredTraceTests {
    static let entries = [
        TraceEntry(field: "domain", rule: "systems/nb-gpp.yaml:17:15", source: "'PROCUREMENT'", at: nil),
        TraceEntry(field: "itemType", rule: "systems/nb-gpp.yaml:18:17", source: "公告类型", at: "5:5"),
        TraceEntry(field: "parties[1].kind", rule: "codes/party-types.yaml:3:1", source: "@类型", at: "40:7"),
        // Rules that are not file:line:column are kept whole.
        TraceEntry(field: "fields.note", rule: "inline", source: "\"quoted\" \\ 文本", at: "1:1"),
        TraceEntry(field: "odd", rule: "a:b:c", source: "x", at: nil),
        TraceEntry(field: "colon", rule: ":1:2", source: "y", at: "2:2"),
    ]

    @Test("every entry comes back as it was, files written once")
    func roundTrip() throws {
        let stored = StoredTrace.encode(Self.entries)
        #expect(StoredTrace.decode(Data(stored)) == Self.entries)
        let text = String(decoding: stored, as: UTF8.self)
        #expect(text.components(separatedBy: "systems/nb-gpp.yaml").count == 2)
        #expect(text.hasSuffix(#""files":["systems/nb-gpp.yaml","codes/party-types.yaml"]}"#))
        #expect(StoredTrace.decode(Data(StoredTrace.encode([]))) == [])
    }

    @Test("a real record's trace shrinks by two fifths")
    func smaller() throws {
        var traces: [[TraceEntry]] = []
        for line in try ProjectFiles.translate("nb-gpp", ["NBZC-2024-1120-01.xml"], receivedAt: "2024-11-22T10:00:00+08:00", trace: true) {
            if case .hub(_, let trace?) = line { traces.append(trace) }
        }
        #expect(!traces.isEmpty)
        for trace in traces {
            var writer = CanonicalJSONWriter()
            TraceEntry.write(trace, to: &writer)
            let compact = StoredTrace.encode(trace)
            #expect(compact.count * 5 < writer.bytes.count * 3, "\(compact.count) bytes against \(writer.bytes.count)")
            #expect(StoredTrace.decode(Data(compact)) == trace)
        }
    }

    @Test("the array of entry objects earlier gateways stored is still read; other bytes are not a trace")
    func earlierForm() {
        var writer = CanonicalJSONWriter()
        TraceEntry.write(Self.entries, to: &writer)
        #expect(StoredTrace.decode(Data(writer.bytes)) == Self.entries)
        #expect(StoredTrace.decode(Data("[]".utf8)) == [])
        #expect(StoredTrace.decode(Data(#"{"fixed":true}"#.utf8)) == nil)
        #expect(StoredTrace.decode(Data(#"{"entries":[["f",3,"1:1","s"]],"files":["a.yaml"]}"#.utf8)) == nil, "file index out of range")
        #expect(StoredTrace.decode(Data(#"{"entries":[["f",0,"1:1","s","1:1","extra"]],"files":["a.yaml"]}"#.utf8)) == nil)
    }
}
