import Foundation

/// How the gateway writes JSON for the receivers: keys sorted so that the same record always gives the same bytes.
enum DeliveryJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
