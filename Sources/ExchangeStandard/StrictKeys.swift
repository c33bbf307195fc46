/// Rejects keys a data file's shape does not define, so that a misspelt key in integrator-edited YAML is an
/// error rather than a silently missing value.
enum StrictKeys {
    private struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int?
        init(stringValue: String) {
            self.stringValue = stringValue
            intValue = nil
        }
        init(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let allowedSet = Set(allowed)
        for key in container.allKeys where !allowedSet.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "unknown key \"\(key.stringValue)\"; allowed: \(allowed.joined(separator: ", "))"
            )
        }
    }
}
