import ExchangeStandard
import Testing

@Suite("行政区划代码")
struct RegionCodeTests {
    @Test("valid codes", arguments: ["330000", "330100", "330102", "330212", "110105", "820000", "710000"])
    func valid(code: String) {
        #expect(RegionCode.isValid(code))
        #expect(RegionCode.validate(code) == .valid)
    }

    @Test(
        "invalid codes name the rule",
        arguments: [
            ("33030", RegionCodeFailure.Code.length),
            ("3301000", .length),
            ("", .length),
            ("33010A", .characters),
            ("３３０１００", .characters),
            ("990000", .province),
            ("000000", .province),
            ("390100", .province),
        ] as [(String, RegionCodeFailure.Code)]
    )
    func invalid(code: String, failure: RegionCodeFailure.Code) {
        #expect(!RegionCode.isValid(code))
        #expect(RegionCode.validate(code).failure?.code == failure)
    }

    /// The byte-level path for six ASCII digits must agree with the province table for every prefix.
    @Test("every two-digit prefix: valid exactly when it is a province code")
    func everyPrefix() {
        for number in 0..<100 {
            let prefix = number < 10 ? "0\(number)" : "\(number)"
            let result = RegionCode.validate(prefix + "0102")
            #expect(result.isValid == RegionCode.provinceCodes.contains(prefix), "\(prefix)")
            #expect(result.isValid || result.failure?.code == .province, "\(prefix)")
        }
        #expect(RegionCode.validate("33010\u{0663}").failure?.code == .characters, "an Arabic-Indic digit is not ASCII")
        #expect(RegionCode.validate("3301 0").failure?.code == .characters)
    }

    @Test("Zhejiang")
    func zhejiang() {
        #expect(RegionCode.isZhejiang("330106"))
        #expect(!RegionCode.isZhejiang("320106"))
        #expect(!RegionCode.isZhejiang("33010"))
    }
}
