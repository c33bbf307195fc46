import ExchangeStandard
import Foundation

/// Turning stored column values back into model values, the same way for both stores: stored JSON, actions, dates,
/// outbox codes. A value that does not decode is ``StoreError/Code/corruptData``, never a crash.
enum StoredValues {
    static func storedReceipt(json: String, batchId: String) throws -> StoredReceipt {
        let data = Data(json.utf8)
        return StoredReceipt(receipt: try decode(BatchReceipt.self, json: json, what: "receipt of batch \(batchId)"), json: data)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, json: String, what: String) throws -> Value {
        do {
            return try StoreJSON.decode(type, fromText: json)
        } catch {
            throw StoreError(.corruptData, "The stored \(what) does not decode.", underlying: error)
        }
    }

    static func action(_ text: String) throws -> RecordAction {
        guard let action = RecordAction(rawValue: text) else {
            throw StoreError(.corruptData, "Unknown record action '\(text)' in the store.")
        }
        return action
    }

    static func date(_ text: String, what: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw StoreError(.corruptData, "The stored \(what) is not a YYYY-MM-DD date: '\(text)'.")
        }
        return date
    }

    /// The outbox columns both stores select for an ``OutboxEntry``, in this order.
    static let outboxColumnNames = [
        "id", "destination", "record_id", "version", "operation", "batch_id", "source_system", "state", "attempts",
        "next_attempt_at", "lease_owner", "lease_expires_at", "last_error", "created_at", "delivered_at", "dead_reason",
        "dead_at", "takedown_reason",
    ]

    /// ``outboxColumnNames`` as a select list, prefixed with a table alias when given.
    static func outboxColumns(_ alias: String = "") -> String {
        let prefix = alias.isEmpty ? "" : "\(alias)."
        return outboxColumnNames.map { prefix + $0 }.joined(separator: ", ")
    }

    /// The three codes of an outbox row.
    static func outboxCodes(destination: String, operation: String, state: String, entryId: Int64) throws
        -> (OutboxDestination, OutboxOperation, OutboxState)
    {
        guard let destinationValue = OutboxDestination(rawValue: destination), let operationValue = OutboxOperation(rawValue: operation),
            let stateValue = OutboxState(rawValue: state)
        else {
            throw StoreError(
                .corruptData, "An outbox row has an unknown destination, operation or state.", context: ["entryId": String(entryId)])
        }
        return (destinationValue, operationValue, stateValue)
    }
}
