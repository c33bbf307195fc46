import ExchangeStandard
import Foundation
import Testing

@testable import Delivery

@Suite("HubDeliveryProtocol")
struct HubDeliveryProtocolTests {
    let hub = HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: "https://hub.example/", bearerToken: "t0k3n"))
    let ids = ["a", "b", "c"]

    func answer(_ status: Int, _ body: String = "", headers: [HTTPHeader] = []) -> Result<OutboundResponse, TransportError> {
        .success(OutboundResponse(status: status, headers: headers, body: Data(body.utf8)))
    }

    @Test("the request: POST records:batch with deliveryId, records, Idempotency-Key, bearer token, JSON")
    func request() throws {
        let request = try hub.makeRequest(deliveryId: "dlv-1", records: [TestRecords.hub("a"), TestRecords.hub("b", version: 2)])
        #expect(request.method == .post)
        #expect(request.url == "https://hub.example/api/v1/records:batch")
        #expect(request.headers.contains(HTTPHeader(name: "Idempotency-Key", value: "dlv-1")))
        #expect(request.headers.contains(HTTPHeader(name: "Authorization", value: "Bearer t0k3n")))
        #expect(request.headers.contains(HTTPHeader(name: "Content-Type", value: "application/json")))
        let body = try #require(request.body)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(object["deliveryId"] as? String == "dlv-1")
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.map { $0["recordId"] as? String } == ["a", "b"])
        #expect(records.map { $0["version"] as? Int } == [1, 2])
        // Masked on the way out.
        #expect(!String(decoding: body, as: UTF8.self).contains(TestRecords.personalID))
        #expect(String(decoding: body, as: UTF8.self).contains(TestRecords.maskedPersonalID))
        // Byte for byte what JSONEncoder with sorted keys writes for the same batch.
        struct Batch: Encodable {
            var deliveryId: String
            var records: [HubRecord]
        }
        let records2 = [TestRecords.hub("a"), TestRecords.hub("b", version: 2)].map(PublicationPolicy.hubRecordForDelivery)
        #expect(body == (try DeliveryJSON.encoder.encode(Batch(deliveryId: "dlv-1", records: records2))))
    }

    @Test("200: accepted, rejected with the hub's reason, and unmentioned records retried")
    func perRecord() {
        let outcomes = hub.outcomes(
            of: answer(200, #"{"accepted":["a"],"rejected":[{"recordId":"b","reason":"regionCode 339999 unknown"}]}"#),
            recordIds: ids
        )
        #expect(outcomes["a"] == .delivered)
        #expect(outcomes["b"] == .rejected(reason: "trading hub rejected the record: regionCode 339999 unknown"))
        guard case .failed = outcomes["c"] else {
            Issue.record("an unmentioned record must be retried, got \(String(describing: outcomes["c"]))")
            return
        }
    }

    @Test("200 without a readable body: everything retried")
    func unreadable() {
        for outcome in hub.outcomes(of: answer(200, "<html>gateway</html>"), recordIds: ids).values {
            guard case .failed(let reason) = outcome else {
                Issue.record("expected failed, got \(outcome)")
                continue
            }
            #expect(reason.contains("unreadable"))
        }
    }

    @Test("400: the whole batch dead with the hub's reason, from JSON or plain text")
    func badRequest() {
        let json = hub.outcomes(of: answer(400, #"{"error":"records[3].dueOn: not a date"}"#), recordIds: ids)
        #expect(Set(json.values) == [.rejected(reason: "trading hub refused the batch (400): records[3].dueOn: not a date")])
        #expect(json.count == 3)
        let text = hub.outcomes(of: answer(400, "deliveryId missing"), recordIds: ids)
        #expect(Set(text.values) == [.rejected(reason: "trading hub refused the batch (400): deliveryId missing")])
    }

    @Test("429 and 503 with Retry-After: throttled for that long; without it: failed")
    func throttled() {
        for status in [429, 503] {
            let outcomes = hub.outcomes(
                of: answer(status, "busy", headers: [HTTPHeader(name: "retry-after", value: "7")]),
                recordIds: ids
            )
            #expect(Set(outcomes.values) == [.throttled(retryAfter: .seconds(7), reason: "trading hub answered \(status): busy")])
            let plain = hub.outcomes(of: answer(status, "busy"), recordIds: ids)
            #expect(Set(plain.values) == [.failed(reason: "trading hub answered \(status): busy")])
        }
    }

    @Test("other 5xx and unexpected statuses: failed, retried with backoff", arguments: [500, 502, 504, 401, 404])
    func serverErrors(status: Int) {
        let outcomes = hub.outcomes(of: answer(status, "oops"), recordIds: ids)
        #expect(Set(outcomes.values) == [.failed(reason: "trading hub answered \(status): oops")])
    }

    @Test("transport errors: failed, with curl's text", arguments: [TransportError.Kind.timeout, .connectionReset, .connectionRefused, .tls])
    func transport(kind: TransportError.Kind) {
        let error = TransportError(kind: kind, curlCode: 28, message: "Operation timed out after 30000 milliseconds", url: "u")
        let outcomes = hub.outcomes(of: .failure(error), recordIds: ids)
        #expect(outcomes.count == 3)
        for outcome in outcomes.values {
            guard case .failed(let reason) = outcome else {
                Issue.record("expected failed, got \(outcome)")
                continue
            }
            #expect(reason.contains("Operation timed out after 30000 milliseconds"))
        }
    }
}
