import Foundation

/// An exact, non-negative money amount, normalised to 元, as disclosures state prices, budgets and fines.
///
/// Stored as an `Int64` count of micro-yuan (10⁻⁶ 元). Why an integer at a fixed scale rather than `Double`
/// or `Foundation.Decimal`:
/// - binary floating point cannot hold `0.1` and would corrupt amounts; the standard forbids it;
/// - `Decimal`'s text parsing is lenient (it reads the prefix of `12abc`) and its rounding API differs across
///   platforms, whereas an integer makes equality, hashing, 万元 / 亿元 conversion and half-up rounding exact
///   and portable;
/// - 10⁻⁶ 元 keeps every digit sources send (亿元 with up to 14 decimals, 万元 with up to 10) and the range
///   (up to about 9.2 × 10¹² 元, 9.2 万亿元) exceeds any single transaction. Text outside that is rejected
///   (`tooLarge`, `tooPrecise`), never rounded at parse time.
///
/// Output is rounded only when formatted: ``yuanString`` and ``wanYuanString`` both round half-up to the fen
/// (0.01 元 = 0.000001 万元), so the two never disagree.
public struct Amount: Hashable, Sendable, CustomStringConvertible {
    /// Micro-yuan in one 元.
    public static let microYuanPerYuan: Int64 = 1_000_000

    /// The amount in 10⁻⁶ 元; never negative.
    public let microYuan: Int64
    /// An amount per year, as in `85.2万元/年` (annual rent of a lease listing).
    public var perYear: Bool

    /// - Precondition: `microYuan >= 0`.
    public init(microYuan: Int64, perYear: Bool = false) {
        precondition(microYuan >= 0, "disclosed amounts are never negative")
        self.microYuan = microYuan
        self.perYear = perYear
    }

    /// Nil when `yuan` is negative, NaN, larger than the range or finer than 10⁻⁶ 元.
    public init?(yuan: Decimal, perYear: Bool = false) {
        // Decimal's description is plain decimal notation; reuse the strict parser rather than a second conversion.
        guard let amount = try? Amount.parse(yuan.description, defaultUnit: .yuan) else { return nil }
        self.init(microYuan: amount.microYuan, perYear: perYear)
    }

    /// The exact value in 元.
    public var yuan: Decimal {
        Decimal(sign: .plus, exponent: -6, significand: Decimal(microYuan))
    }

    // MARK: - Formatting

    /// Whole fen (0.01 元), rounded half-up from the micro-yuan.
    public var roundedFen: Int64 {
        let (quotient, remainder) = microYuan.quotientAndRemainder(dividingBy: 10_000)
        return quotient + (remainder >= 5_000 ? 1 : 0)
    }

    /// 元 with exactly two decimals and no separators (`2138705000.00`), as the hub takes amounts.
    /// More precise amounts are rounded half-up (`0.005` → `0.01`, `0.0049` → `0.00`).
    ///
    /// Written digit by digit on the stack: every amount of every record is formatted, and interpolating the parts
    /// built three strings for each (make bench-profile).
    public var yuanString: String {
        var value = roundedFen
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var start = buffer.count
            func put(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            for _ in 0..<2 {
                put(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
            }
            put(UInt8(ascii: "."))
            repeat {
                put(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
            } while value > 0
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    /// 万元 with up to six decimals, trailing zeros and a bare trailing dot removed (¥6,150 → `0.615`,
    /// ¥412,000 → `41.2`, ¥13,500,000 → `1350`), as the credit schema's `CF_NR_FK` takes fines.
    /// Six decimals of 万元 are a fen, so this rounds exactly as ``yuanString`` does (half-up).
    public var wanYuanString: String {
        let fen = roundedFen
        let whole = fen / 1_000_000
        let fraction = fen % 1_000_000
        guard fraction != 0 else { return "\(whole)" }
        var digits = Self.zeroPadded(fraction, width: 6)
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    public var description: String {
        "\(yuanString)元" + (perYear ? "/年" : "")
    }

    private static func zeroPadded(_ value: Int64, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

// MARK: - Parsing

extension Amount {
    /// Reads money text as department systems send it.
    ///
    /// Accepted: digits with an optional fraction (`213870.5`), thousands separators in groups of three
    /// (`12,860,000.00`), a unit suffix `元` / `万元` / `亿元` (optionally after spaces: `18,230.11 万元`), a
    /// per-year suffix `/年` (`85.2万元/年`), full-width digits, commas, dot and slash (`１２３`, `，`, `．`, `／`),
    /// surrounding whitespace. A unit in the text wins over `defaultUnit`, which only applies to bare numbers
    /// (the unit given by an XML attribute such as `unit="万元"`).
    ///
    /// Rejected, each with its own ``AmountParseError/Code``: empty text, anything that is not such a number
    /// (`abc`, `1.2.3`, `+5`, `1e5`, `.5`, `5.`, `1350万`), a leading `-` (disclosed amounts are non-negative),
    /// misplaced separators (`1,23`, `1,2,3.4`), a bare number with no `defaultUnit`, values out of range.
    public static func parse(_ text: String, defaultUnit: AmountUnit? = nil) throws(AmountParseError) -> Amount {
        func failure(_ code: AmountParseError.Code) -> AmountParseError { AmountParseError(code: code, text: text) }
        if let defaultUnit, let amount = parseBareASCII(text, unit: defaultUnit) { return amount }

        var rest = normalizedWidth(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !rest.isEmpty else { throw failure(.empty) }

        var perYear = false
        if rest.hasSuffix("/年") {
            perYear = true
            rest = String(rest.dropLast(2)).trimmingCharacters(in: .whitespaces)
        }

        var statedUnit: AmountUnit?
        // Longest suffix first: 万元 and 亿元 also end in 元.
        for unit in [AmountUnit.yiYuan, .wanYuan, .yuan] where rest.hasSuffix(unit.rawValue) {
            statedUnit = unit
            rest = String(rest.dropLast(unit.rawValue.count)).trimmingCharacters(in: .whitespaces)
            break
        }

        var negative = false
        if rest.hasPrefix("-") {
            negative = true
            rest.removeFirst()
        }

        let (integerDigits, fractionDigits) = try splitNumber(rest, failure: failure)
        if negative { throw failure(.negative) }
        guard let unit = statedUnit ?? defaultUnit else { throw failure(.unitMissing) }

        // Scale to micro-yuan: shift the decimal point right by the unit's power of ten plus six.
        let shift = unit.exponentOfTen + 6
        var fraction = Substring(fractionDigits)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        guard fraction.count <= shift else { throw failure(.tooPrecise) }
        let allDigits = integerDigits + fraction + String(repeating: "0", count: shift - fraction.count)

        var micro: Int64 = 0
        for digit in allDigits.unicodeScalars {
            let (shifted, overflow1) = micro.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit.value - 48))
            guard !overflow1, !overflow2 else { throw failure(.tooLarge) }
            micro = sum
        }
        return Amount(microYuan: micro, perYear: perYear)
    }

    /// The common case on bytes: a bare ASCII number (`1,234,000.00`) whose unit comes from elsewhere.
    /// Nil for anything else, including every error, which the full parser then describes.
    private static func parseBareASCII(_ text: String, unit: AmountUnit) -> Amount? {
        let shift = unit.exponentOfTen + 6
        var micro: Int64 = 0
        var integerDigits = 0
        var groupDigits = 0
        var sawComma = false
        var inFraction = false
        var fractionDigits = 0
        var pendingZeros = 0
        func push(_ digit: Int64) -> Bool {
            let (shifted, overflow1) = micro.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            micro = sum
            return !overflow1 && !overflow2
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if inFraction {
                    fractionDigits += 1
                    // Trailing zeros of the fraction do not count toward its precision.
                    if digit == 0 {
                        pendingZeros += 1
                        continue
                    }
                    for _ in 0..<pendingZeros { guard push(0) else { return nil } }
                    pendingZeros = 0
                    guard push(digit) else { return nil }
                } else {
                    integerDigits += 1
                    groupDigits += 1
                    guard push(digit) else { return nil }
                }
            case UInt8(ascii: ","):
                guard !inFraction, groupDigits >= 1, sawComma ? groupDigits == 3 : groupDigits <= 3 else { return nil }
                sawComma = true
                groupDigits = 0
            case UInt8(ascii: "."):
                guard !inFraction, integerDigits > 0, !sawComma || groupDigits == 3 else { return nil }
                inFraction = true
            default:
                return nil
            }
        }
        guard integerDigits > 0, inFraction || !sawComma || groupDigits == 3 else { return nil }
        if inFraction && fractionDigits == 0 { return nil }
        let significantFraction = fractionDigits - pendingZeros
        guard significantFraction <= shift else { return nil }
        for _ in 0..<(shift - significantFraction) { guard push(0) else { return nil } }
        return Amount(microYuan: micro, perYear: false)
    }

    /// Splits `1,234.50` into `("1234", "50")`, checking the grammar.
    private static func splitNumber(
        _ text: String, failure: (AmountParseError.Code) -> AmountParseError
    ) throws(AmountParseError) -> (String, String) {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "," || $0 == "." }) else {
            throw failure(.notANumber)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw failure(.notANumber)
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !fraction.contains(",") else { throw failure(.thousandsSeparator) }

        let integerPart = parts[0]
        if integerPart.contains(",") {
            let groups = integerPart.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                throw failure(.thousandsSeparator)
            }
        }
        guard integerPart.contains(where: { $0 != "," }) else { throw failure(.notANumber) }
        return (integerPart.filter { $0 != "," }, fraction)
    }

    /// Full-width digits and punctuation (common in Chinese text input) to their ASCII forms.
    private static func normalizedWidth(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: scalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF0C: scalars.append(",")
            case 0xFF0E: scalars.append(".")
            case 0xFF0F: scalars.append("/")
            case 0xFF0D, 0x2212: scalars.append("-")
            case 0x3000, 0x00A0: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
