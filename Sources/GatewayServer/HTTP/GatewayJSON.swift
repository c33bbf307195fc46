import ExchangeStandard
import Foundation
import Mapping
import Store

/// The operator API's JSON shapes, built from store reads.
enum GatewayJSON {
    static func decode(_ data: Data) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null
    }

    /// A stored trace as the API shows it, whichever form it was stored in: an array of entry objects, as
    /// `translate --trace` prints them.
    static func trace(_ data: Data) -> JSONValue {
        guard let entries = StoredTrace.decode(data) else { return decode(data) }
        var writer = CanonicalJSONWriter(capacity: 96 * max(entries.count, 1))
        TraceEntry.write(entries, to: &writer)
        return decode(Data(writer.bytes))
    }

    static func deliveries(_ entries: [OutboxEntry]) -> JSONValue {
        .array(entries.map { decode((try? JSONEncoder().encode($0)) ?? Data()) })
    }

    static func batch(_ details: BatchDetails) -> [String: JSONValue] {
        func versions(_ items: [VersionDeliveries]) -> JSONValue {
            .array(
                items.map {
                    .object([
                        "recordId": .string($0.recordId), "version": .number(String($0.version)), "action": .string($0.action.rawValue),
                        "deliveries": deliveries($0.deliveries),
                    ])
                })
        }
        return [
            "receipt": decode(details.receipt.json), "bodyByteCount": .number(String(details.bodyByteCount)),
            "hubVersions": versions(details.hubVersions), "creditVersions": versions(details.creditVersions),
        ]
    }

    static func batchSummary(_ summary: BatchSummary) -> JSONValue {
        var object: [String: JSONValue] = [
            "batchId": .string(summary.batchId), "sourceSystem": .string(summary.sourceSystem), "receivedAt": .string(summary.receivedAt),
            "bodyByteCount": .number(String(summary.bodyByteCount)), "mappingVersion": .string(summary.mappingVersion),
            "accepted": .number(String(summary.counts.accepted)), "changed": .number(String(summary.counts.changed)),
            "rejected": .number(String(summary.counts.rejected)), "late": .number(String(summary.counts.late)),
            "rejectionsByRule": .object(summary.counts.rejectionsByRule.mapValues { .number(String($0)) }),
        ]
        object["batchNumber"] = summary.batchNumber.map { .string($0) } ?? .null
        return .object(object)
    }

    static func hubHistory(_ id: String, _ versions: [HubRecordVersion]) -> [String: JSONValue] {
        [
            "recordId": .string(id),
            "versions": .array(
                versions.map { version in
                    .object([
                        "record": decode(version.json), "trace": trace(version.provenance.trace), "batchId": .string(version.provenance.batchId),
                        "mappingVersion": .string(version.provenance.mappingVersion), "deliveries": deliveries(version.deliveries),
                    ])
                }),
        ]
    }

    static func creditHistory(_ id: String, _ versions: [CreditRecordVersion]) -> [String: JSONValue] {
        [
            "creditRecordId": .string(id),
            "versions": .array(
                versions.map { version in
                    .object([
                        "record": decode(version.json), "batchId": .string(version.provenance.batchId),
                        "mappingVersion": .string(version.provenance.mappingVersion), "deliveries": deliveries(version.deliveries),
                    ])
                }),
        ]
    }
}
