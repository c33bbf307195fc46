import Foundation

/// A JSON value for the open-ended parts of the standard (`fields` of a hub record).
///
/// Numbers are kept as their decimal text so that amounts and counts pass through exactly.
///
/// The JSON carries the number's value, not its spelling: `.number("12.50")` is written `12.5` and reads back as
/// `.number("12.5")` (likewise `3.0` → `3`, `1e3` → `1000`). Mappings put canonical text in `.number`, and keep
/// text whose digits matter (amounts with two decimals, codes with leading zeros) in `.string`.
public enum JSONValue: Hashable, Sendable, Codable {
    case string(String)
    case number(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(String(value))
        } else if let value = try? container.decode(Decimal.self) {
            self = .number("\(value)")
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unsupported JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let text):
            if let integer = Int64(text) {
                try container.encode(integer)
            } else if let decimal = Decimal(string: text, locale: nil) {
                try container.encode(decimal)
            } else {
                try container.encode(text)
            }
        case .bool(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let values): try container.encode(values)
        case .null: try container.encodeNil()
        }
    }
}
