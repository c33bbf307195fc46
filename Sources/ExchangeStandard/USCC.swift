/// 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters identifying a legal person or
/// other organisation.
///
/// Layout: 1 登记管理部门码, 2 机构类别码, 3–8 登记管理机关行政区划码, 9–17 主体标识码 (an organisation code
/// under GB 11714: eight body characters and their check character), 18 the code's own check character.
public struct USCC: Hashable, Sendable, CustomStringConvertible {
    /// The 31 characters a code may use: digits and the upper-case letters without I, O, S, V, Z.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    /// GB 32100 weights of characters 1–17 (3ⁱ mod 31).
    public static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// GB 11714 weights of the eight organisation-code body characters (characters 9–16).
    public static let organizationCodeWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// The validated code.
    public let value: String

    /// Validates `text` as is: no trimming, no case folding (see ``validate(_:)``).
    public init(_ text: String) throws(USCCFailure) {
        try Self.validate(text).get()
        value = text
    }

    public var description: String { value }

    /// The 组织机构代码 embedded in characters 9–17.
    public var organizationCode: String { String(value.dropFirst(8).prefix(9)) }

    /// The region code (characters 3–8) of the registering authority.
    public var registrationRegionCode: String { String(value.dropFirst(2).prefix(6)) }

    /// True when every rule of ``validate(_:)`` holds.
    public static func isValid(_ code: String) -> Bool { validate(code).isValid }

    /// Checks, in this order, stopping at the first failure:
    /// 1. `length`: exactly 18 characters;
    /// 2. `characters`: all from ``alphabet``. Lower-case letters are rejected, not folded: the standard defines
    ///    upper case only, and a code that reaches the credit platform must be the code as registered; the
    ///    failure says the character is lower-case so the source can fix it;
    /// 3. `checkDigit`: character 18 is the GB 32100 check character of characters 1–17;
    /// 4. `organizationCheck`: character 17 is the GB 11714 check character of characters 9–16.
    ///
    /// The whole-code check comes first because it covers every character; a code that passes it but fails
    /// the organisation-code check was built from a wrong organisation code.
    public static func validate(_ code: String) -> USCCCheckResult {
        // Every party of every record is checked: valid codes are confirmed on bytes, and only a code
        // that fails takes the path below, which says why.
        if isValidASCII(code) { return .valid }
        let characters = Array(code)
        guard characters.count == 18 else {
            return .invalid(USCCFailure(code: .length, value: code, length: characters.count))
        }
        var indices: [Int] = []
        for (offset, character) in characters.enumerated() {
            guard let index = alphabet.firstIndex(of: character) else {
                return .invalid(USCCFailure(code: .characters, value: code, position: offset + 1, actual: character))
            }
            indices.append(index)
        }

        let sum = zip(indices.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = alphabet[(31 - sum % 31) % 31]
        guard characters[17] == expected else {
            return .invalid(USCCFailure(code: .checkDigit, value: code, position: 18, expected: expected, actual: characters[17]))
        }

        guard let organizationExpected = organizationCodeCheckCharacter(characters[8..<16]) else {
            // Unreachable for characters from the alphabet, kept so the function never traps.
            return .invalid(USCCFailure(code: .characters, value: code, position: 9, actual: characters[8]))
        }
        guard characters[16] == organizationExpected else {
            return .invalid(
                USCCFailure(code: .organizationCheck, value: code, position: 17, expected: organizationExpected, actual: characters[16])
            )
        }
        return .valid
    }

    /// Positions in ``alphabet`` by ASCII byte, -1 for bytes outside it.
    private static let alphabetIndex: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in alphabet.enumerated() { table[Int(character.asciiValue!)] = Int8(index) }
        return table
    }()

    /// Both check characters right, computed on the UTF-8 bytes in place: the code of every party of every record
    /// is checked, and copying its bytes and their values into two arrays was two allocations per check.
    private static func isValidASCII(_ code: String) -> Bool {
        guard code.utf8.count == 18 else { return false }
        if let valid = code.utf8.withContiguousStorageIfAvailable(isValidASCII) { return valid }
        return Array(code.utf8).withUnsafeBufferPointer(isValidASCII)
    }

    private static func isValidASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 18 else { return false }
        var sum = 0
        var last = 0
        for offset in 0..<18 {
            let byte = bytes[offset]
            guard byte < 128 else { return false }
            let index = Int(alphabetIndex[Int(byte)])
            guard index >= 0 else { return false }
            if offset < 17 { sum += index * weights[offset] } else { last = index }
        }
        guard last == (31 - sum % 31) % 31 else { return false }
        var organizationSum = 0
        for offset in 0..<8 {
            // Alphabet letters are upper case: their GB 11714 value is the letter's place from A (10).
            let byte = bytes[8 + offset]
            let value = byte <= 57 ? Int(byte) - 48 : Int(byte) - 65 + 10
            organizationSum += value * organizationCodeWeights[offset]
        }
        let expected: UInt8
        switch 11 - organizationSum % 11 {
        case 10: expected = UInt8(ascii: "X")
        case 11: expected = UInt8(ascii: "0")
        case let digit: expected = UInt8(48 + digit)
        }
        return bytes[16] == expected
    }

    /// GB 11714 check character of an eight-character organisation-code body: digits count 0–9, letters A=10 … Z=35;
    /// check = 11 − (Σ value × weight mod 11), where 10 is written `X` and 11 is written `0`. Nil when a character
    /// is not a digit or an upper-case letter.
    public static func organizationCodeCheckCharacter(_ body: some Collection<Character>) -> Character? {
        guard body.count == 8 else { return nil }
        var sum = 0
        for (character, weight) in zip(body, organizationCodeWeights) {
            guard let ascii = character.asciiValue else { return nil }
            let value: Int
            switch ascii {
            case 48...57: value = Int(ascii) - 48
            case 65...90: value = Int(ascii) - 65 + 10
            default: return nil
            }
            sum += value * weight
        }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let digit: return Character(String(digit))
        }
    }
}

/// Outcome of ``USCC/validate(_:)``.
public typealias USCCCheckResult = StandardCheckResult<USCCFailure>
