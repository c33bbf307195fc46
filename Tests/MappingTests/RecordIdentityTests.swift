import Testing

@testable import Mapping

@Suite("Record ids")
struct RecordIdentityTests {
    @Test("an identifier is its marker and a prefix of the SHA-256 of its parts joined by NUL bytes")
    func identifierIsAPrefixOfTheDigest() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(SHA256Digest.identifier(marker: "H", digits: 24, of: "abc") == "Hba7816bf8f01cfea414140de")
        #expect(SHA256Digest.identifier(marker: "X", digits: 5, of: "abc") == "Xba781")
        #expect(SHA256Digest.identifier(marker: "Z", digits: 64, of: "abc") == "Z" + SHA256Digest.hex(of: "abc"))
        let parts = ["credit", "nb-gpp", "甬财采罚〔2024〕31号", "91330200MA2ABCDE1X"]
        #expect(
            SHA256Digest.identifier(marker: "C", digits: 24, of: parts[0], parts[1], parts[2], parts[3])
                == "C" + SHA256Digest.hex(of: parts.joined(separator: "\u{0}")).prefix(24))
        #expect(
            SHA256Digest.identifier(marker: "C", digits: 24, of: "a", "bc") != SHA256Digest.identifier(marker: "C", digits: 24, of: "ab", "c"))
        // Three parts (the hub id's own overload), empty parts, and a part far longer than a stack buffer.
        let long = String(repeating: "长", count: 20_000)
        for three in [["hub", "nb-gpp", "NBCG-1"], ["", "", ""], ["hub", long, "x"]] {
            let expected = "H" + SHA256Digest.hex(of: three.joined(separator: "\u{0}")).prefix(24)
            #expect(SHA256Digest.identifier(marker: "H", digits: 24, joining: three[0], three[1], three[2]) == expected)
            #expect(SHA256Digest.identifier(marker: "H", digits: 24, of: three[0], three[1], three[2]) == expected)
        }
        #expect(SHA256Digest.identifier(marker: "E", digits: 8, of: "") == "E" + SHA256Digest.hex(of: "").prefix(8))
    }

    @Test("hub and credit record ids hash the system, the source id and, for credit records, the subject")
    func recordIds() {
        let hub = RecordIdentity.hubRecordId(system: "nb-gpp", sourceRecordId: "NBCG-2024-000001")
        #expect(hub == "H" + SHA256Digest.hex(of: "hub\u{0}nb-gpp\u{0}NBCG-2024-000001").prefix(24))
        #expect(hub != RecordIdentity.hubRecordId(system: "zj-land", sourceRecordId: "NBCG-2024-000001"))
        let credit = RecordIdentity.creditRecordId(system: "nb-gpp", sourceRecordId: "甬财采罚〔2024〕31号", subject: "甲公司")
        #expect(credit == "C" + SHA256Digest.hex(of: "credit\u{0}nb-gpp\u{0}甬财采罚〔2024〕31号\u{0}甲公司").prefix(24))
        #expect(credit.utf8.count == 25)
    }
}
