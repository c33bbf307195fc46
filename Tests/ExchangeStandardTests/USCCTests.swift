import ExchangeStandard
import Foundation
import Testing

@Suite("统一社会信用代码")
struct USCCTests {
    /// Every 统一社会信用代码 in the sample batches that the samples README does not call invalid.
    static let validSampleCodes = [
        "123301003AGYGLUY2G",  // hz-housing
        "11330100RJHTPQQF92", "91330106QQJE70K233", "9133011039T3E0TW3C",  // zj-land
        "11330000MFMA6C8B0K", "91330500XBRCPGL201",  // zj-mining
        "11330200WJHFU3DG21", "12330200PA2HH99E7H", "913302034WLNNJ90XY", "91330206RQUKWFCX6L", "91330212UNBBED2C5W",  // nb-gpp
        "91330000G8UDJXFG2U", "91330100GR0J7Q4T4J", "913301081YNGWM3NXR",  // zj-property
        "113303004LWKYERG9Q", "12330300KDF4FW7U3X", "91330302W3LNEMFN3J", "91330303XFBX68NF9N", "91330304XYH8HCM91G",
        "91330381HRLGNFRW5Q", "91330382CD69T80126",  // wz-bidding
    ]

    /// The codes the samples README says are invalid, with the check character GB 32100 expects.
    static let invalidSampleCodes: [String: Character] = [
        "123301003AGYGLUY2X": "G",  // hz-housing FP-2024-0400
        "91330303XFBX68NF9X": "N",  // wz-bidding WZJG-CF-2024-020
    ]

    @Test("valid sample codes pass every rule", arguments: validSampleCodes)
    func validSamples(code: String) throws {
        #expect(USCC.validate(code) == .valid)
        #expect(USCC.isValid(code))
        #expect(try USCC(code).value == code)
    }

    @Test("invalid sample codes fail the GB 32100 check character", arguments: invalidSampleCodes.sorted { $0.key < $1.key })
    func invalidSamples(code: String, expected: Character) {
        let failure = USCC.validate(code).failure
        #expect(failure?.code == .checkDigit)
        #expect(failure?.expected == expected)
        #expect(failure?.actual == "X")
        #expect(failure?.position == 18)
        #expect(failure?.rule == "uscc.checkDigit")
    }

    @Test("the 17-character code of NBCG-2024-08900-GZ fails the length rule")
    func seventeenCharacters() {
        let failure = USCC.validate("11330200WJHFU3DG2").failure
        #expect(failure?.code == .length)
        #expect(failure?.length == 17)
        #expect(failure?.chineseMessage == "统一社会信用代码“11330200WJHFU3DG2”为17位，应为18位")
    }

    /// Scans every shipped sample batch for 18-character upper-case alphanumeric tokens: each is a valid
    /// resident ID number, a listed valid code or a listed invalid code, and every listed code occurs.
    @Test("every code in the sample batches is accounted for")
    func sampleBatchesScan() throws {
        var found: Set<String> = []
        let batches = try RepositoryFiles.sampleBatches()
        #expect(batches.count == 7)
        for path in batches {
            found.formUnion(Self.tokens(in: try RepositoryFiles.data(path)))
        }
        let idNumbers = found.filter { ResidentIDNumber.isValid($0) }
        #expect(idNumbers == ["330302197905124786", "330304198509235246", "330102196603017867"])
        #expect(found.subtracting(idNumbers) == Set(Self.validSampleCodes).union(Self.invalidSampleCodes.keys))
        for code in found.subtracting(idNumbers).subtracting(Self.invalidSampleCodes.keys) {
            #expect(USCC.validate(code) == .valid, "\(code)")
        }
    }

    @Test(
        "names the rule that failed",
        arguments: [
            ("", USCCFailure.Code.length),
            ("91330106QQJE70K2331", .length),
            ("91330106QQJE70K23", .length),
            ("91330106QQJE70K23I", .characters),
            ("91330106QQJE7OK233", .characters),
            ("91330106QQJE70K23３", .characters),
            ("91330106QQJE70K234", .checkDigit),
            ("91330106QQJE70K333", .checkDigit),
        ] as [(String, USCCFailure.Code)]
    )
    func failures(code: String, expected: USCCFailure.Code) {
        #expect(USCC.validate(code).failure?.code == expected)
        #expect(!USCC.isValid(code))
        #expect(throws: USCCFailure.self) { try USCC(code) }
    }

    @Test("lower-case letters are rejected with a message that says so")
    func lowercase() {
        let failure = USCC.validate("91330106qqje70k233").failure
        #expect(failure?.code == .characters)
        #expect(failure?.position == 9)
        #expect(failure?.actual == "q")
        #expect(failure?.message.contains("lower-case") == true)
        #expect(failure?.chineseMessage.contains("小写") == true)
    }

    @Test("the GB 11714 organisation-code check of characters 9–17 is checked on its own")
    func organizationCheck() throws {
        // Change character 17 of a valid code and recompute character 18, so only the GB 11714 check fails.
        let valid = "91330106QQJE70K233"
        for replacement in USCC.alphabet where replacement != Array(valid)[16] {
            var characters = Array(valid)
            characters[16] = replacement
            characters[17] = Self.gb32100CheckCharacter(characters.prefix(17))
            let failure = try #require(USCC.validate(String(characters)).failure)
            #expect(failure.code == .organizationCheck)
            #expect(failure.expected == "3")
            #expect(failure.actual == replacement)
            #expect(failure.position == 17)
        }
    }

    @Test("GB 11714 check character: 10 is X, 11 is 0")
    func organizationCheckCharacter() {
        #expect(USCC.organizationCodeCheckCharacter(Array("QQJE70K2")) == "3")
        #expect(USCC.organizationCodeCheckCharacter(Array("3AGYGLUY")) == "2")
        #expect(USCC.organizationCodeCheckCharacter(Array("W3LNEMFN")) == "3")
        // Σ = 0 → 11 − 0 = 11 → "0".
        #expect(USCC.organizationCodeCheckCharacter(Array("00000000")) == "0")
        // Σ = 3·4 = 12 ≡ 1 → 11 − 1 = 10 → "X".
        #expect(USCC.organizationCodeCheckCharacter(Array("40000000")) == "X")
        // Letters count from A = 10: Σ = 3·10 = 30 ≡ 8 → 3.
        #expect(USCC.organizationCodeCheckCharacter(Array("A0000000")) == "3")
        #expect(USCC.organizationCodeCheckCharacter(Array("1000000")) == nil)
        #expect(USCC.organizationCodeCheckCharacter(Array("1000000a")) == nil)
    }

    @Test("parts of a code")
    func parts() throws {
        let code = try USCC("91330106QQJE70K233")
        #expect(code.organizationCode == "QQJE70K23")
        #expect(code.registrationRegionCode == "330106")
        #expect(code.description == "91330106QQJE70K233")
    }

    // MARK: - Helpers

    static func gb32100CheckCharacter(_ characters: ArraySlice<Character>) -> Character {
        let sum = zip(characters, USCC.weights).reduce(0) { $0 + USCC.alphabet.firstIndex(of: $1.0)! * $1.1 }
        return USCC.alphabet[(31 - sum % 31) % 31]
    }

    /// Maximal runs of ASCII letters and digits that are 18 long and upper-case, from XML in UTF-8 or GB18030.
    /// Bytes of multi-byte characters separate runs: in UTF-8 every such byte is ≥ 0x80; in GB18030 a lead byte
    /// ≥ 0x81 is followed by one trail byte, or by three when the second byte is a digit (four-byte form), and
    /// trail bytes may look like ASCII, so they are skipped with their lead byte.
    static func tokens(in data: Data) -> Set<String> {
        let bytes = [UInt8](data)
        let isGB18030 = String(decoding: bytes.prefix(100), as: UTF8.self).lowercased().contains("gb18030")
        var ascii: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                ascii.append(byte)
                index += 1
            } else {
                ascii.append(0x20)
                if isGB18030 {
                    let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                    index += (0x30...0x39).contains(next) ? 4 : 2
                } else {
                    index += 1
                }
            }
        }
        let text = String(decoding: ascii, as: UTF8.self)
        var tokens: Set<String> = []
        var current = ""
        for character in text + " " {
            if character.isASCII && (character.isLetter || character.isNumber) {
                current.append(character)
            } else {
                if current.count == 18, current == current.uppercased() { tokens.insert(current) }
                current = ""
            }
        }
        return tokens
    }

    /// `validate` confirms valid codes on their bytes and explains the others on characters: both paths must agree
    /// on every code. The reference here recomputes both check characters from the published weights; a failure
    /// prints the code.
    @Test("the byte-level check agrees with the rules on 20,000 random codes, about half of them valid")
    func byteCheckAgreesWithTheRules() {
        var generator = SystemRandomNumberGenerator()
        var valid = 0
        for round in 0..<20_000 {
            var characters = (0..<17).map { _ in USCC.alphabet.randomElement(using: &generator)! }
            if round % 2 == 0, let organization = USCC.organizationCodeCheckCharacter(characters[8..<16]) {
                characters[16] = organization
            }
            let sum = zip(characters, USCC.weights).reduce(0) { $0 + USCC.alphabet.firstIndex(of: $1.0)! * $1.1 }
            let check = USCC.alphabet[(31 - sum % 31) % 31]
            // Every fourth code gets a wrong final character, every eighth a character outside the alphabet.
            var last = check
            if round % 4 == 3 { last = USCC.alphabet[(USCC.alphabet.firstIndex(of: check)! + 1) % USCC.alphabet.count] }
            if round % 8 == 5 { characters[Int.random(in: 0..<17, using: &generator)] = "O" }
            let code = String(characters) + String(last)
            let expected =
                characters.allSatisfy(USCC.alphabet.contains) && last == check
                && USCC.organizationCodeCheckCharacter(characters[8..<16]) == characters[16]
            #expect(USCC.isValid(code) == expected, "\(code)")
            if expected { valid += 1 }
        }
        #expect(valid >= 10_000)
    }
}
