import ExchangeStandard
import Foundation

/// The Credit Zhejiang publisher's protocol (`spec/credit-record.md`, "Credit Zhejiang publisher"): one request per
/// credit record version.
public struct PublisherDeliveryProtocol: Sendable {
    public static let publicationsPath = "/api/v1/publications/"

    public var endpoint: ReceiverEndpoint

    public init(endpoint: ReceiverEndpoint) {
        self.endpoint = endpoint
    }

    /// `PUT …/publications/{creditRecordId}` with the record as Credit Zhejiang may show it
    /// (``PublicationPolicy/creditRecordForPublication(_:)`` is applied here).
    ///
    /// Callers check ``PublicationPolicy/shouldPublish(_:)`` first: a record that must not be shown is taken down with
    /// ``makeDeleteRequest(creditRecordId:version:)`` instead.
    public func makePutRequest(_ record: CreditRecord) throws -> OutboundRequest {
        let body = try DeliveryJSON.encoder.encode(PublicationPolicy.creditRecordForPublication(record))
        return OutboundRequest(
            method: .put,
            path: Self.path(for: record.creditRecordId),
            endpoint: endpoint,
            headers: [
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "Accept", value: "application/json"),
            ],
            body: body
        )
    }

    /// `DELETE …/publications/{creditRecordId}?version=N`: takes the publication down as of `version`.
    public func makeDeleteRequest(creditRecordId: String, version: Int) -> OutboundRequest {
        OutboundRequest(
            method: .delete,
            path: Self.path(for: creditRecordId) + "?version=\(version)",
            endpoint: endpoint,
            headers: [HTTPHeader(name: "Accept", value: "application/json")]
        )
    }

    /// `200`/`201` done; `409` (the publisher holds a newer version) done; `400` dead letter; throttling, other `5xx`
    /// and transport errors retried.
    public func outcome(ofPut result: Result<OutboundResponse, TransportError>) -> DeliveryOutcome {
        outcome(of: result, done: [200, 201, 204, 409])
    }

    /// `200`/`204` done; `404` (nothing published) done; `409` (a newer version is published since) done; the rest as
    /// for PUT.
    public func outcome(ofDelete result: Result<OutboundResponse, TransportError>) -> DeliveryOutcome {
        outcome(of: result, done: [200, 202, 204, 404, 409])
    }

    private func outcome(of result: Result<OutboundResponse, TransportError>, done: Set<Int>) -> DeliveryOutcome {
        switch result {
        case .failure(let error):
            return CommonOutcome.forTransportError(error, receiver: "Credit Zhejiang publisher")
        case .success(let response) where done.contains(response.status):
            return .delivered
        case .success(let response) where response.status == 400:
            return .rejected(
                reason: "Credit Zhejiang publisher refused the request (400): \(CommonOutcome.reason(fromErrorBody: response.body))"
            )
        case .success(let response):
            return CommonOutcome.forUnexpected(response, receiver: "Credit Zhejiang publisher")
        }
    }

    /// The publication's path, with the id percent-encoded as one path segment.
    static func path(for creditRecordId: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return publicationsPath + (creditRecordId.addingPercentEncoding(withAllowedCharacters: allowed) ?? creditRecordId)
    }
}
