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

    @Test("Zhejiang")
    func zhejiang() {
        #expect(RegionCode.isZhejiang("330106"))
        #expect(!RegionCode.isZhejiang("320106"))
        #expect(!RegionCode.isZhejiang("33010"))
    }
}
