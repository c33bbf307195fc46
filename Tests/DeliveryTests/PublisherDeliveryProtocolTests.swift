import ExchangeStandard
import Foundation
import Testing

@testable import Delivery

@Suite("PublisherDeliveryProtocol")
struct PublisherDeliveryProtocolTests {
    let publisher = PublisherDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: "https://xyzj.example"))

    func answer(_ status: Int, _ body: String = "", headers: [HTTPHeader] = []) -> Result<OutboundResponse, TransportError> {
        .success(OutboundResponse(status: status, headers: headers, body: Data(body.utf8)))
    }

    @Test("PUT carries the masked record; DELETE names the version")
    func requests() throws {
        let put = try publisher.makePutRequest(TestRecords.credit("c/1 x", category: .naturalPerson))
        #expect(put.method == .put)
        #expect(put.url == "https://xyzj.example/api/v1/publications/c%2F1%20x")
        let record = try JSONDecoder().decode(CreditRecord.self, from: try #require(put.body))
        #expect(record.CF_XDR_ZJHM == TestRecords.maskedPersonalID)

        let company = try publisher.makePutRequest(TestRecords.credit("c2", category: .organization))
        #expect(!String(decoding: try #require(company.body), as: UTF8.self).contains("CF_FR_ZJHM"))

        let delete = publisher.makeDeleteRequest(creditRecordId: "c2", version: 4)
        #expect(delete.method == .delete)
        #expect(delete.url == "https://xyzj.example/api/v1/publications/c2?version=4")
        #expect(delete.body == nil)
    }

    @Test("PUT: 200, 201 and 409 (older version) are done; 400 dead; the rest retried")
    func putOutcomes() {
        for status in [200, 201, 409] {
            #expect(publisher.outcome(ofPut: answer(status)) == .delivered)
        }
        #expect(
            publisher.outcome(ofPut: answer(400, #"{"error":"CF_JDRQ missing"}"#))
                == .rejected(reason: "Credit Zhejiang publisher refused the request (400): CF_JDRQ missing")
        )
        #expect(
            publisher.outcome(ofPut: answer(503, "", headers: [HTTPHeader(name: "Retry-After", value: "2")]))
                == .throttled(retryAfter: .seconds(2), reason: "Credit Zhejiang publisher answered 503: ")
        )
        #expect(publisher.outcome(ofPut: answer(500, "x")) == .failed(reason: "Credit Zhejiang publisher answered 500: x"))
        let timeout = TransportError(kind: .timeout, message: "timed out", url: "u")
        guard case .failed = publisher.outcome(ofPut: .failure(timeout)) else {
            Issue.record("a timeout must be retried")
            return
        }
    }

    @Test("DELETE: 200, 204 and 404 are done")
    func deleteOutcomes() {
        for status in [200, 204, 404] {
            #expect(publisher.outcome(ofDelete: answer(status)) == .delivered)
        }
        #expect(
            publisher.outcome(ofDelete: answer(429, "", headers: [HTTPHeader(name: "Retry-After", value: "1")]))
                == .throttled(retryAfter: .seconds(1), reason: "Credit Zhejiang publisher answered 429: "))
        guard case .rejected = publisher.outcome(ofDelete: answer(400, "bad version")) else {
            Issue.record("400 must dead-letter")
            return
        }
    }
}
