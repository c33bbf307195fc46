import ExchangeStandard
import Foundation

/// The one JSON encoding the store writes: sorted keys, so that the same value always gives the same bytes.
///
/// Receipts are hashed into the audit chain and returned byte for byte on a resend, so their encoding must not
/// depend on dictionary order; record versions use the same encoder so that what the receivers get is stable too.
enum StoreJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try JSONDecoder().decode(type, from: data)
    }

    static func encodeText(_ value: some Encodable) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Records, written for every stored version, take the canonical writer: the same bytes as the encoder
    /// above (`CanonicalJSONTests`), at a fraction of its cost.
    static func encodeText(_ record: HubRecord) throws -> String {
        String(decoding: record.canonicalJSON, as: UTF8.self)
    }

    static func encodeText(_ record: CreditRecord) throws -> String {
        String(decoding: record.canonicalJSON, as: UTF8.self)
    }

    /// Receipts too: one per batch, encoded while the batch holds the store's write lock.
    static func encode(_ receipt: BatchReceipt) throws -> Data {
        receipt.canonicalJSON
    }

    static func decode<Value: Decodable>(_ type: Value.Type, fromText text: String) throws -> Value {
        try decode(type, from: Data(text.utf8))
    }
}
