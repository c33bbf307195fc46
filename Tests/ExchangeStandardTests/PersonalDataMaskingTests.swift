import ExchangeStandard
import Testing

@Suite("Personal data masking")
struct PersonalDataMaskingTests {
    @Test(
        "keeps the first 6 and the last 4 characters of an 18-character number",
        arguments: [
            ("330302197905124786", "330302********4786"),
            ("330304198509235246", "330304********5246"),
            ("11010519491231002X", "110105********002X"),
        ]
    )
    func eighteen(number: String, masked: String) {
        #expect(PersonalDataMasking.maskIDNumber(number) == masked)
    }

    @Test(
        "never shows a shorter number in full: at least 8 characters hidden",
        arguments: [
            ("", ""),
            ("1", "*"),
            ("12345678", "********"),
            ("E12345678", "E********"),
            ("H1234567890", "H1********0"),
            ("330302790512478", "3303********478"),
            ("33030219790512478", "33030********2478"),
            ("12345678901234567890", "123456**********7890"),
        ]
    )
    func otherLengths(number: String, masked: String) {
        let result = PersonalDataMasking.maskIDNumber(number)
        #expect(result == masked)
        #expect(result.count == number.count)
        #expect(result.filter { $0 == "*" }.count >= min(number.count, 8))
    }

    @Test("hub records and credit records lose unmasked numbers for public channels")
    func records() {
        let person = Party(role: "projectManager", name: "吴某某", kind: .naturalPerson, idType: "身份证", idNumber: "330302197905124786")
        #expect(PersonalDataMasking.masked(person).idNumber == "330302********4786")
        #expect(PersonalDataMasking.masked(person).name == "吴某某")

        var hub = RecordSamples.hubRecord()
        hub.parties = [person]
        let maskedHub = PersonalDataMasking.masked(hub)
        #expect(maskedHub.parties?.first?.idNumber == "330302********4786")

        var credit = RecordSamples.creditRecord()
        credit.CF_XDR_ZJHM = "330302197905124786"
        credit.CF_FR_ZJHM = "330304198509235246"
        let published = PersonalDataMasking.maskedForPublication(credit)
        #expect(published.CF_XDR_ZJHM == "330302********4786")
        #expect(published.CF_FR_ZJHM == nil)
        #expect(published.CF_XDR_MC == credit.CF_XDR_MC)
    }
}
