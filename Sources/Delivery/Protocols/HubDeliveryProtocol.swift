import ExchangeStandard
import Foundation

/// The trading hub's batch protocol (`spec/hub-record.md`, "Delivery to the hub"): building the request and reading
/// the answer into one outcome per record.
public struct HubDeliveryProtocol: Sendable {
    /// The hub takes at most this many records per request.
    public static let maxRecordsPerBatch = 500
    public static let batchPath = "/api/v1/records:batch"

    public var endpoint: ReceiverEndpoint

    public init(endpoint: ReceiverEndpoint) {
        self.endpoint = endpoint
    }

    /// `POST {hubBaseURL}/api/v1/records:batch` with `{ "deliveryId", "records" }` and `Idempotency-Key: <deliveryId>`.
    ///
    /// Every record passes through ``PublicationPolicy/hubRecordForDelivery(_:)`` here, so nothing unmasked can leave
    /// through this protocol.
    public func makeRequest(deliveryId: String, records: [HubRecord]) throws -> OutboundRequest {
        precondition(records.count <= Self.maxRecordsPerBatch, "a hub batch holds at most \(Self.maxRecordsPerBatch) records")
        // What `DeliveryJSON.encoder` writes for `Batch`, byte for byte, without its cost per record.
        var writer = CanonicalJSONWriter(capacity: 1536 * max(records.count, 1))
        var first = true
        writer.beginObject()
        writer.key("deliveryId", first: &first)
        writer.string(deliveryId)
        writer.key("records", first: &first)
        writer.beginArray()
        for (index, record) in records.enumerated() {
            if index > 0 { writer.comma() }
            writer.write(PublicationPolicy.hubRecordForDelivery(record))
        }
        writer.endArray()
        writer.endObject()
        let body = Data(writer.bytes)
        return OutboundRequest(
            method: .post,
            path: Self.batchPath,
            endpoint: endpoint,
            headers: [
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "Accept", value: "application/json"),
                HTTPHeader(name: "Idempotency-Key", value: deliveryId),
            ],
            body: body
        )
    }

    /// One outcome per id in `recordIds` (the records of the request) from the hub's answer or the transport error.
    ///
    /// - `200`: listed in `accepted` → delivered (the hub also lists records it already held at the same or a higher
    ///   version there); listed in `rejected` → rejected with the hub's reason; in neither → failed (retried).
    /// - `400`: the hub refused the whole batch → every record rejected with the hub's reason.
    /// - `429`/`503` with `Retry-After` → throttled; other `5xx`, timeouts, broken connections → failed.
    public func outcomes(
        of result: Result<OutboundResponse, TransportError>,
        recordIds: [String]
    ) -> [String: DeliveryOutcome] {
        let response: OutboundResponse
        switch result {
        case .failure(let error):
            return Self.same(CommonOutcome.forTransportError(error, receiver: "trading hub"), for: recordIds)
        case .success(let value):
            response = value
        }
        switch response.status {
        case 200..<300:
            guard let answer = try? JSONDecoder().decode(BatchAnswer.self, from: response.body) else {
                let reason = "trading hub answered \(response.status) with an unreadable body: \(CommonOutcome.excerpt(response.bodyText))"
                return Self.same(.failed(reason: reason), for: recordIds)
            }
            let accepted = Set(answer.accepted)
            var rejected: [String: String] = [:]
            for rejection in answer.rejected ?? [] {
                rejected[rejection.recordId] = rejection.reason ?? "rejected without a reason"
            }
            var outcomes: [String: DeliveryOutcome] = [:]
            for id in recordIds {
                if let reason = rejected[id] {
                    outcomes[id] = .rejected(reason: "trading hub rejected the record: \(reason)")
                } else if accepted.contains(id) {
                    outcomes[id] = .delivered
                } else {
                    outcomes[id] = .failed(reason: "trading hub's answer neither accepted nor rejected the record")
                }
            }
            return outcomes
        case 400:
            let reason = "trading hub refused the batch (400): \(CommonOutcome.reason(fromErrorBody: response.body))"
            return Self.same(.rejected(reason: reason), for: recordIds)
        default:
            return Self.same(CommonOutcome.forUnexpected(response, receiver: "trading hub"), for: recordIds)
        }
    }

    private static func same(_ outcome: DeliveryOutcome, for ids: [String]) -> [String: DeliveryOutcome] {
        Dictionary(ids.map { ($0, outcome) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: - Wire format

    private struct BatchAnswer: Decodable {
        var accepted: [String]
        var rejected: [Rejection]?

        struct Rejection: Decodable {
            var recordId: String
            var reason: String?
        }
    }
}
