/// 行政区划代码 (GB/T 2260): six digits, province (2), prefecture (2), county (2) — 330000 浙江省, 330100 杭州市,
/// 330102 上城区.
public enum RegionCode {
    /// Zhejiang's province code.
    public static let zhejiangProvince = "33"

    /// The first two digits GB/T 2260 assigns to the provincial-level divisions, including 71 台湾省,
    /// 81 香港特别行政区 and 82 澳门特别行政区.
    public static let provinceCodes: Set<String> = [
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    ]

    /// `provinceCodes` by number, 0–99.
    private static let provinces: [Bool] = (0..<100).map { provinceCodes.contains($0 < 10 ? "0\($0)" : "\($0)") }

    /// True for six ASCII digits starting with a province code.
    public static func isValid(_ code: String) -> Bool { validate(code).isValid }

    /// True for a valid code in Zhejiang (33xxxx).
    public static func isZhejiang(_ code: String) -> Bool { isValid(code) && code.hasPrefix(zhejiangProvince) }

    /// Checks length (6), characters (ASCII digits) and the province code, in that order.
    public static func validate(_ code: String) -> RegionCodeCheckResult {
        // Six ASCII digits, the usual case, are checked on the bytes: every record carries region codes.
        let utf8 = code.utf8
        if utf8.count == 6, utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) {
            let first = utf8.first! &- UInt8(ascii: "0")
            let second = utf8.dropFirst().first! &- UInt8(ascii: "0")
            return provinces[Int(first * 10 + second)] ? .valid : .invalid(RegionCodeFailure(code: .province, value: code))
        }
        guard code.count == 6 else { return .invalid(RegionCodeFailure(code: .length, value: code)) }
        guard code.allSatisfy({ $0.isASCII && $0.isWholeNumber }) else {
            return .invalid(RegionCodeFailure(code: .characters, value: code))
        }
        guard provinceCodes.contains(String(code.prefix(2))) else {
            return .invalid(RegionCodeFailure(code: .province, value: code))
        }
        return .valid
    }
}

/// Outcome of ``RegionCode/validate(_:)``.
public typealias RegionCodeCheckResult = StandardCheckResult<RegionCodeFailure>
