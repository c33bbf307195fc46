import ExchangeStandard
import Testing

@Suite("身份证号码")
struct ResidentIDNumberTests {
    @Test("the sample numbers are valid", arguments: ["330302197905124786", "330304198509235246", "330102196603017867"])
    func samples(number: String) throws {
        #expect(ResidentIDNumber.validate(number) == .valid)
        let id = try ResidentIDNumber(number, notAfter: LocalDate("2024-11-25"))
        #expect(id.value == number)
        #expect(id.addressCode == String(number.prefix(6)))
    }

    @Test("birth date is read from characters 7–14")
    func birthDate() throws {
        #expect(try ResidentIDNumber("330302197905124786").birthDate == LocalDate("1979-05-12"))
        #expect(try ResidentIDNumber("330102196603017867").birthDate == LocalDate("1966-03-01"))
    }

    @Test("a lower-case check x is accepted and canonicalised to X")
    func lowercaseX() throws {
        // 11010519491231002X is the standard's own example number.
        #expect(ResidentIDNumber.isValid("11010519491231002X"))
        #expect(ResidentIDNumber.isValid("11010519491231002x"))
        #expect(try ResidentIDNumber("11010519491231002x").value == "11010519491231002X")
        #expect(ResidentIDNumber.canonical("11010519491231002x") == "11010519491231002X")
    }

    @Test(
        "names the rule that failed",
        arguments: [
            ("33030219790512478", ResidentIDNumberFailure.Code.length),
            ("3303021979051247861", .length),
            ("330302790512478", .length),
            ("33030219790512478X", .checkDigit),
            ("330302197905124787", .checkDigit),
            ("3303021979051X4786", .characters),
            ("330302197905124786 ", .length),
            ("３30302197905124786", .characters),
            ("330302197902304786", .birthDate),
            ("330302197913124786", .birthDate),
            ("330302187905124786", .birthDate),
        ] as [(String, ResidentIDNumberFailure.Code)]
    )
    func failures(number: String, code: ResidentIDNumberFailure.Code) {
        let failure = ResidentIDNumber.validate(number).failure
        #expect(failure?.code == code)
        #expect(failure?.rule == "idNumber.\(code.rawValue)")
        // Messages do not repeat the number (personal data).
        #expect(failure?.message.contains(number) == false)
        #expect(failure?.chineseMessage.contains(number) == false)
    }

    @Test("the check digit failure says what was expected")
    func checkDigitDetail() {
        let failure = ResidentIDNumber.validate("330302197905124787").failure
        #expect(failure?.expected == "6")
        #expect(failure?.actual == "7")
    }

    @Test("a birth date after the given day is rejected")
    func futureBirthDate() {
        #expect(ResidentIDNumber.validate("330302197905124786", notAfter: LocalDate("1979-05-11")).failure?.code == .birthDate)
        #expect(ResidentIDNumber.validate("330302197905124786", notAfter: LocalDate("1979-05-12")) == .valid)
    }
}
