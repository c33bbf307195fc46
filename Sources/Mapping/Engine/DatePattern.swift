import ExchangeStandard

/// A date format as department systems write them: `yyyyMMdd`, `yyyy年M月d日`, `yyyy/MM/dd`, `yyyy.M.d`,
/// `yyyy-MM-dd HH:mm:ss`, or `rfc3339`.
///
/// Hand-written rather than `DateFormatter`, which is lenient (it accepts `2024-13-01` as January 2025)
/// and locale-dependent; a disclosure deadline must never rest on a guessed date.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Hashable, Sendable {
        case year, month2, month, day2, day, hour2, hour, minute2, second2
        case literal(Unicode.Scalar)
    }

    public let text: String
    let tokens: [Token]
    let isRFC3339: Bool

    public var description: String { text }

    /// Nil when the pattern has no year, month and day.
    public init?(_ text: String) {
        self.text = text
        if text.lowercased() == "rfc3339" || text.lowercased() == "iso8601" {
            tokens = []
            isRFC3339 = true
            return
        }
        isRFC3339 = false
        var tokens: [Token] = []
        var rest = Substring(text).unicodeScalars
        let names: [(String, Token)] = [
            ("yyyy", .year), ("MM", .month2), ("M", .month), ("dd", .day2), ("d", .day), ("HH", .hour2), ("H", .hour),
            ("mm", .minute2), ("ss", .second2),
        ]
        while let first = rest.first {
            if let (name, token) = names.first(where: { rest.starts(with: $0.0.unicodeScalars) }) {
                tokens.append(token)
                rest = rest.dropFirst(name.unicodeScalars.count)
            } else {
                tokens.append(.literal(first))
                rest = rest.dropFirst()
            }
        }
        guard tokens.contains(.year), tokens.contains(where: { $0 == .month || $0 == .month2 }),
            tokens.contains(where: { $0 == .day || $0 == .day2 })
        else { return nil }
        self.tokens = tokens
    }

    /// The calendar date the text names, in Beijing time (UTC+8) for timestamps with an offset.
    public func parse(_ input: String) -> LocalDate? {
        isRFC3339 ? Self.parseRFC3339(input) : parseTokens(input)
    }

    /// Reads the date on Unicode scalars: no grapheme breaking (all literals are single scalars),
    /// no array of characters per value.
    private func parseTokens(_ input: String) -> LocalDate? {
        let scalars = input.unicodeScalars
        var index = scalars.startIndex
        var year = 0
        var month = 0
        var day = 0
        func digits(min: Int, max: Int) -> Int? {
            var count = 0
            var value = 0
            while count < max, index < scalars.endIndex {
                let scalar = scalars[index]
                guard scalar.value >= 48 && scalar.value <= 57 else { break }
                value = value * 10 + Int(scalar.value - 48)
                index = scalars.index(after: index)
                count += 1
            }
            return count >= min ? value : nil
        }
        for token in tokens {
            switch token {
            case .year: guard let value = digits(min: 4, max: 4) else { return nil }; year = value
            case .month2: guard let value = digits(min: 2, max: 2) else { return nil }; month = value
            case .month: guard let value = digits(min: 1, max: 2) else { return nil }; month = value
            case .day2: guard let value = digits(min: 2, max: 2) else { return nil }; day = value
            case .day: guard let value = digits(min: 1, max: 2) else { return nil }; day = value
            case .hour2, .minute2, .second2:
                guard let value = digits(min: 2, max: 2), value < 60 else { return nil }
                if token == .hour2, value > 23 { return nil }
            case .hour: guard let value = digits(min: 1, max: 2), value < 24 else { return nil }
            case .literal(let expected):
                guard index < scalars.endIndex, scalars[index] == expected else { return nil }
                index = scalars.index(after: index)
            }
        }
        guard index == scalars.endIndex else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }

    private static func parseRFC3339(_ input: String) -> LocalDate? {
        let characters = Array(input)
        guard characters.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            let slice = characters[range]
            guard slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(slice))
        }
        guard let year = number(0..<4), characters[4] == "-", let month = number(5..<7), characters[7] == "-",
            let day = number(8..<10), "Tt ".contains(characters[10]), let hour = number(11..<13), characters[13] == ":",
            let minute = number(14..<16), characters[16] == ":", let second = number(17..<19),
            hour < 24, minute < 60, second <= 60, let date = LocalDate(year: year, month: month, day: day)
        else { return nil }
        var index = 19
        if index < characters.count, characters[index] == "." {
            index += 1
            let fractionStart = index
            while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
            guard index > fractionStart else { return nil }
        }
        guard index < characters.count else { return nil }
        let offsetMinutes: Int
        if characters[index] == "Z" || characters[index] == "z" {
            guard index + 1 == characters.count else { return nil }
            offsetMinutes = 0
        } else {
            guard characters[index] == "+" || characters[index] == "-", index + 6 == characters.count,
                let offsetHours = number(index + 1..<index + 3), characters[index + 3] == ":",
                let offsetMins = number(index + 4..<index + 6)
            else { return nil }
            offsetMinutes = (characters[index] == "-" ? -1 : 1) * (offsetHours * 60 + offsetMins)
        }
        // Shift the wall-clock time to Beijing (UTC+8): the formation day is a Chinese calendar day.
        let minutesOfDay = hour * 60 + minute - offsetMinutes + 8 * 60
        let dayShift = Int((Double(minutesOfDay) / 1440).rounded(.down))
        return date.adding(days: dayShift)
    }
}
