/// 公民身份号码 (GB 11643-1999): the 18-character number on a resident identity card (身份证).
///
/// Layout: 1–6 address code (行政区划), 7–14 birth date `YYYYMMDD`, 15–17 sequence (odd for men), 18 check
/// character (ISO 7064 MOD 11-2, written `0`–`9` or `X`).
public struct ResidentIDNumber: Hashable, Sendable, CustomStringConvertible {
    /// Weights of characters 1–17.
    public static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// Check character for each value of Σ digit × weight mod 11.
    public static let checkCharacters: [Character] = Array("10X98765432")

    /// The number in canonical form: a lower-case check `x` written `X`.
    public let value: String
    /// The birth date in characters 7–14.
    public let birthDate: LocalDate

    /// Validates (see ``validate(_:notAfter:)``) and keeps the canonical form.
    public init(_ text: String, notAfter today: LocalDate? = nil) throws(ResidentIDNumberFailure) {
        try Self.validate(text, notAfter: today).get()
        value = Self.canonical(text)
        birthDate = Self.birthDate(of: Array(text))!
    }

    public var description: String { value }

    /// The address code, characters 1–6.
    public var addressCode: String { String(value.prefix(6)) }

    /// The number with a lower-case check `x` upper-cased; any other text is returned unchanged.
    public static func canonical(_ text: String) -> String {
        text.count == 18 && text.hasSuffix("x") ? String(text.dropLast()) + "X" : text
    }

    /// True when every rule of ``validate(_:notAfter:)`` holds.
    public static func isValid(_ text: String, notAfter today: LocalDate? = nil) -> Bool {
        validate(text, notAfter: today).isValid
    }

    /// Checks, in this order, stopping at the first failure:
    /// 1. `length`: exactly 18 characters (the 15-digit first-generation numbers are not accepted: the credit
    ///    schema wants the 18-character number);
    /// 2. `characters`: 17 ASCII digits, then a digit or `X`. A lower-case `x` is accepted as the check
    ///    character: people and systems commonly type it, it is unambiguous, and ``canonical(_:)`` / ``value``
    ///    give the `X` form the receivers get;
    /// 3. `birthDate`: characters 7–14 are a real Gregorian date, from 1900-01-01 on, and not after `today`
    ///    when given;
    /// 4. `checkDigit`: character 18 is the check character of characters 1–17.
    public static func validate(_ text: String, notAfter today: LocalDate? = nil) -> ResidentIDCheckResult {
        let characters = Array(text)
        guard characters.count == 18 else {
            return .invalid(ResidentIDNumberFailure(code: .length, value: text, length: characters.count))
        }
        for (offset, character) in characters.enumerated() {
            let isDigit = character.isASCII && character.isWholeNumber
            guard isDigit || (offset == 17 && (character == "X" || character == "x")) else {
                return .invalid(ResidentIDNumberFailure(code: .characters, value: text, position: offset + 1, actual: character))
            }
        }
        guard let birth = birthDate(of: characters), birth.year >= 1900, today.map({ birth <= $0 }) ?? true else {
            return .invalid(ResidentIDNumberFailure(code: .birthDate, value: text, position: 7))
        }
        let sum = zip(characters.prefix(17), weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        let expected = checkCharacters[sum % 11]
        let actual = characters[17] == "x" ? "X" : characters[17]
        guard actual == expected else {
            return .invalid(
                ResidentIDNumberFailure(code: .checkDigit, value: text, position: 18, expected: expected, actual: characters[17])
            )
        }
        return .valid
    }

    private static func birthDate(of characters: [Character]) -> LocalDate? {
        func number(_ range: Range<Int>) -> Int? { Int(String(characters[range])) }
        guard let year = number(6..<10), let month = number(10..<12), let day = number(12..<14) else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}

/// Outcome of ``ResidentIDNumber/validate(_:notAfter:)``.
public typealias ResidentIDCheckResult = StandardCheckResult<ResidentIDNumberFailure>
