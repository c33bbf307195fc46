import ExchangeStandard
import Foundation
import Testing

/// The reader must give the record `JSONDecoder` gives, or refuse (and then the stored-JSON initialisers
/// fall back to `JSONDecoder`, so that the outcome is the decoder's).
@Suite("canonical JSON reader: the records JSONDecoder reads, without JSONDecoder")
struct CanonicalJSONReaderTests {
    typealias Reader = CanonicalJSONReader
    typealias Failure = CanonicalJSONReader.Failure

    static func fastHub(_ json: String) throws(Failure) -> HubRecord {
        try Reader.read(Data(json.utf8)) { (reader: inout Reader) throws(Failure) in try reader.hubRecord() }
    }

    static func fastCredit(_ json: String) throws(Failure) -> CreditRecord {
        try Reader.read(Data(json.utf8)) { (reader: inout Reader) throws(Failure) in try reader.creditRecord() }
    }

    @Test("every record of the samples reads back equal, from canonical and from pretty-printed JSON")
    func samplesRoundTrip() throws {
        let (hubs, credits) = try CanonicalJSONTests.sampleRecords()
        #expect(hubs.count > 20)
        #expect(credits.count >= 4)
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted]
        for hub in hubs {
            #expect(try Self.fastHub(String(decoding: hub.canonicalJSON, as: UTF8.self)) == hub)
            // Unsorted keys and whitespace between tokens: the reader does not depend on the writer's layout.
            #expect(try Self.fastHub(String(decoding: try pretty.encode(hub), as: UTF8.self)) == hub)
            #expect(try HubRecord(storedJSON: Data(hub.canonicalJSON)) == hub)
        }
        for credit in credits {
            #expect(try Self.fastCredit(String(decoding: credit.canonicalJSON, as: UTF8.self)) == credit)
            #expect(try Self.fastCredit(String(decoding: try pretty.encode(credit), as: UTF8.self)) == credit)
            #expect(try CreditRecord(storedJSON: Data(credit.canonicalJSON)) == credit)
        }
    }

    @Test("escapes, surrogate pairs, optional fields, nulls and free fields of every JSON kind")
    func edgeCases() throws {
        var hub = try #require(try CanonicalJSONTests.sampleRecords().hubs.first)
        hub.title = "a/b \"quoted\" back\\slash\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{7F} 中文 😀 \u{2028}"
        hub.projectCode = nil
        hub.publishedOn = nil
        hub.fields = [
            "zeta": .string("z"), "Alpha": .number("42"), "neg": .number("-7"), "area": .number("-3.25"), "tiny": .number("0.001"), "_under": .bool(false), "中文键": .null,
            "list": .array([.string("x"), .number("0"), .object(["b": .string("2"), "a": .string("1")])]),
            "nested": .object(["k": .array([])]), "a10": .string(""), "yes": .bool(true),
        ]
        hub.redacted = ["投标报价", "a/b"]
        hub.creditRecordIds = []
        hub.documents = [DocumentLink(name: "附件", url: "https://example.org/a?b=1&c=/d", sha256: nil)]
        let json = String(decoding: hub.canonicalJSON, as: UTF8.self)
        #expect(try Self.fastHub(json) == hub)
        #expect(try Self.fastHub(json) == JSONDecoder().decode(HubRecord.self, from: Data(json.utf8)))

        // Escapes the writer never uses but JSON allows: `\/`, `\u` with uppercase hex, a surrogate pair.
        let escaped = json.replacingOccurrences(of: "\"title\":\"a/b", with: "\"title\":\"a\\/b\\u00E9\\ud83d\\ude00")
        let decoded = try Self.fastHub(escaped)
        #expect(decoded.title.hasPrefix("a/bé😀 \"quoted\""))
        #expect(decoded == (try JSONDecoder().decode(HubRecord.self, from: Data(escaped.utf8))))

        // An optional written as null reads as absent, as `decodeIfPresent` reads it.
        let nulled = json.replacingOccurrences(of: "\"redacted\":[\"投标报价\",\"a/b\"]", with: "\"redacted\":null")
        #expect(try Self.fastHub(nulled).redacted == nil)
        #expect(try Self.fastHub(nulled) == JSONDecoder().decode(HubRecord.self, from: Data(nulled.utf8)))

        var credit = try #require(try CanonicalJSONTests.sampleRecords().credits.first)
        credit.BZ = "备注 \"x\""
        credit.CF_GSJZQ = LocalDate(year: 2027, month: 1, day: 9)
        credit.CF_XDR_SHXYM = nil
        #expect(try Self.fastCredit(String(decoding: credit.canonicalJSON, as: UTF8.self)) == credit)
    }

    @Test("what the reader does not know it refuses, and the stored-JSON initialisers then decide as JSONDecoder does")
    func refusals() throws {
        var hub = try #require(try CanonicalJSONTests.sampleRecords().hubs.first)
        hub.fields = ["n": .number("7"), "m": .number("8")]
        let json = String(decoding: hub.canonicalJSON, as: UTF8.self)
        let cases: [(String, String)] = [
            ("unknown key", json.replacingOccurrences(of: "{\"action\"", with: "{\"extra\":1,\"action\"")),
            ("missing key", json.replacingOccurrences(of: "\"domain\":\"\(hub.domain)\",", with: "")),
            ("repeated key", json.replacingOccurrences(of: "\"domain\":", with: "\"domain\":\"X\",\"domain\":")),
            ("wrong type", json.replacingOccurrences(of: "\"late\":false", with: "\"late\":\"no\"")),
            ("bad date", json.replacingOccurrences(of: "\"dueOn\":\"", with: "\"dueOn\":\"x")),
            ("impossible date", json.replacingOccurrences(of: "\"dueOn\":\"\(hub.dueOn)\"", with: "\"dueOn\":\"2023-02-29\"")),
            ("date with a sign", json.replacingOccurrences(of: "\"dueOn\":\"\(hub.dueOn)\"", with: "\"dueOn\":\"2023-+2-01\"")),
            ("unknown action", json.replacingOccurrences(of: "\"action\":\"publish\"", with: "\"action\":\"erase\"")),
            ("exponent in fields", json.replacingOccurrences(of: "\"n\":7", with: "\"n\":1.5e3")),
            ("leading zero", json.replacingOccurrences(of: "\"version\":1", with: "\"version\":01")),
            ("trailing content", json + "x"),
            ("truncated", String(json.dropLast())),
            ("unterminated string", "{\"recordId\":\"abc"),
        ]
        for (name, text) in cases {
            #expect(text != json, "\(name): the case must change the JSON")
            #expect(throws: Failure.self, "\(name)") { try Self.fastHub(text) }
            // The stored-JSON initialiser decides as JSONDecoder does: the same record, or an error.
            let decoder = try? JSONDecoder().decode(HubRecord.self, from: Data(text.utf8))
            let stored = try? HubRecord(storedJSON: Data(text.utf8))
            #expect(stored == decoder, "\(name)")
        }
        // A decimal free field reads to the decoder's text for it; one with an exponent through the fallback.
        let decimal = json.replacingOccurrences(of: "\"n\":7", with: "\"n\":1.50")
        #expect(try Self.fastHub(decimal).fields == ["n": .number("1.5"), "m": .number("8")])
        #expect(try Self.fastHub(decimal) == JSONDecoder().decode(HubRecord.self, from: Data(decimal.utf8)))
        let exponent = decimal.replacingOccurrences(of: "\"m\":8", with: "\"m\":2.5E2")
        #expect(throws: Failure.self) { try Self.fastHub(exponent) }
        #expect(try HubRecord(storedJSON: Data(exponent.utf8)).fields == ["n": .number("1.5"), "m": .number("250")])
        
        let invalidUTF8 = Data(json.utf8.prefix(14)) + Data([0xFF, 0xFE]) + Data(json.utf8.dropFirst(14))
        #expect(throws: Failure.self) {
            try Reader.read(invalidUTF8) { (reader: inout Reader) throws(Failure) in try reader.hubRecord() }
        }
        #expect(throws: (any Error).self) { try HubRecord(storedJSON: invalidUTF8) }
    }

    @Test("a failure names where the reader stopped")
    func failurePosition() {
        do {
            _ = try Self.fastCredit("{\"creditRecordId\": 5}")
            Issue.record("a number for a string was read")
        } catch {
            #expect(error.offset == 19)
            #expect(error.description.contains("byte 19"))
        }
    }
}
