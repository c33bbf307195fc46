import ExchangeStandard
import Foundation
import Mapping
import Testing

/// The canonical writer must write what `JSONEncoder` with sorted keys writes, byte for byte: content
/// hashes already in stores were computed from the encoder's output.
@Suite("canonical JSON: byte-identical to JSONEncoder with sorted keys")
struct CanonicalJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Every hub and credit record the shipped samples produce, each system's files in order.
    static func sampleRecords() throws -> (hubs: [HubRecord], credits: [CreditRecord]) {
        var hubs: [HubRecord] = []
        var credits: [CreditRecord] = []
        let fileManager = FileManager.default
        for system in try fileManager.contentsOfDirectory(atPath: ProjectFiles.root.appendingPathComponent("Mappings/tests").path).sorted() {
            let directory = ProjectFiles.root.appendingPathComponent("Mappings/tests/\(system)").path
            guard let files = try? fileManager.contentsOfDirectory(atPath: directory) else { continue }
            let samples = files.filter { $0.hasSuffix(".xml") }.sorted()
            guard !samples.isEmpty else { continue }
            for line in try ProjectFiles.translate(system, samples, receivedAt: "2024-11-22T10:00:00+08:00", trace: true) {
                switch line {
                case .hub(let hub, _): hubs.append(hub)
                case .credit(let credit, _): credits.append(credit)
                default: break
                }
            }
        }
        return (hubs, credits)
    }

    @Test("every record of the samples, and its trace, is written as JSONEncoder writes it")
    func samplesMatchEncoder() throws {
        let (hubs, credits) = try Self.sampleRecords()
        #expect(hubs.count > 20)
        #expect(credits.count >= 4)
        for hub in hubs {
            #expect(String(decoding: hub.canonicalJSON, as: UTF8.self) == (try Self.encoded(hub)))
        }
        for credit in credits {
            #expect(String(decoding: credit.canonicalJSON, as: UTF8.self) == (try Self.encoded(credit)))
        }
        let traced = try ProjectFiles.translate("wz-bidding", ["WZJY-20241125-07.xml"], receivedAt: "2024-11-25T14:35:00+08:00", trace: true)
        guard case .hub(_, let trace?) = traced.first else {
            Issue.record("no traced hub record")
            return
        }
        var writer = CanonicalJSONWriter()
        trace[0].write(to: &writer)
        #expect(writer.string == (try Self.encoded(trace[0])))
    }

    @Test("escapes, optional fields, free fields of every JSON kind, and key order")
    func edgeCases() throws {
        var hub = try #require(try Self.sampleRecords().hubs.first)
        hub.title = "a/b \"quoted\" back\\slash\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{7F} 中文 😀 \u{2028}"
        hub.projectCode = nil
        hub.publishedOn = nil
        hub.fields = [
            "zeta": .string("z"), "Alpha": .number("42"), "alpha": .number("-3.250"), "_under": .bool(false), "中文键": .null,
            "list": .array([.string("x"), .number("1e3"), .object(["b": .string("2"), "a": .string("1")])]),
            "nested": .object(["k": .array([])]), "notANumber": .number("12abc"), "a10": .string(""), "a9": .string("9"),
        ]
        hub.redacted = ["投标报价", "a/b"]
        hub.creditRecordIds = []
        hub.documents = [DocumentLink(name: "附件", url: "https://example.org/a?b=1&c=/d", sha256: nil)]
        #expect(String(decoding: hub.canonicalJSON, as: UTF8.self) == (try Self.encoded(hub)))

        var credit = try #require(try Self.sampleRecords().credits.first)
        credit.BZ = "备注 \"x\""
        credit.CF_GSJZQ = LocalDate(year: 2027, month: 1, day: 9)
        credit.CF_XDR_SHXYM = nil
        credit.CF_NR_ZKDX = "\u{0}"
        #expect(String(decoding: credit.canonicalJSON, as: UTF8.self) == (try Self.encoded(credit)))
    }

    @Test("strings with special characters anywhere, at every length around the eight-byte scan, escape as JSONEncoder does")
    func randomStrings() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let pieces = ["a", "Z", "0", "中", "文", "😀", "é", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", " ", "\u{2028}"]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<3000 {
            // Mostly plain text, the usual case; now and then one special character somewhere.
            var text = ""
            for _ in 0..<Int.random(in: 0...24, using: &generator) { text += pieces[Int.random(in: 0..<5, using: &generator)] }
            if round % 2 == 0 {
                let special = pieces.randomElement(using: &generator)!
                let offset = Int.random(in: 0...text.count, using: &generator)
                text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
            }
            var writer = CanonicalJSONWriter()
            writer.beginArray()
            writer.string(text)
            writer.endArray()
            #expect(writer.string == String(decoding: try encoder.encode([text]), as: UTF8.self), "\(Array(text.utf8))")
        }
    }

    @Test("dates are written as yyyy-MM-dd with zero padding")
    func dates() throws {
        let dates = [LocalDate(year: 1, month: 1, day: 1), LocalDate(year: 999, month: 12, day: 31), LocalDate(year: 2024, month: 2, day: 29)]
        #expect(dates.map { $0?.description } == ["0001-01-01", "0999-12-31", "2024-02-29"])
    }
}
