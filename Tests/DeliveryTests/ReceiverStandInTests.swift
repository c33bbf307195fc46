import ExchangeStandard
import Foundation
import ReceiverStandIns
import Testing

@testable import Delivery

/// The stand-ins themselves: their protocol semantics, state and admin routes, driven with the real client.
@Suite("Receiver stand-ins")
struct ReceiverStandInTests {
    func batch(_ baseURL: String, _ deliveryId: String, _ records: [HubRecord]) throws -> OutboundRequest {
        try HubDeliveryProtocol(endpoint: loopbackEndpoint(baseURL)).makeRequest(deliveryId: deliveryId, records: records)
    }

    func json(_ response: OutboundResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test("hub: a repeated deliveryId gets the first answer back, and is applied once")
    func idempotency() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                let first = try await client.send(try batch(baseURL, "d-1", [TestRecords.hub("a"), TestRecords.hub("b")]))
                await hub.rejectRecords(reason: "now refused") { _ in true }
                let again = try await client.send(try batch(baseURL, "d-1", [TestRecords.hub("a"), TestRecords.hub("b")]))
                #expect(again.body == first.body)
                #expect(try json(again)["accepted"] as? [String] == ["a", "b"])
                let state = await hub.state()
                #expect(state.batches == 1)
                #expect(state.idempotentReplays == 1)
                #expect(state.records["a"]?.appliedVersions == [1])
            }
        }
    }

    @Test("hub: same or lower versions are accepted without effect; a lower one is an ordering violation")
    func versions() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                _ = try await client.send(try batch(baseURL, "d-1", [TestRecords.hub("a", version: 2)]))
                let same = try await client.send(try batch(baseURL, "d-2", [TestRecords.hub("a", version: 2)]))
                let lower = try await client.send(try batch(baseURL, "d-3", [TestRecords.hub("a", version: 1)]))
                #expect(try json(same)["accepted"] as? [String] == ["a"])
                #expect(try json(lower)["accepted"] as? [String] == ["a"])
                let state = await hub.state()
                #expect(state.records["a"]?.version == 2)
                #expect(state.records["a"]?.appliedVersions == [2])
                #expect(state.duplicateVersions == 1)
                #expect(
                    state.orderingViolations == [.init(recordId: "a", receivedVersion: 1, heldVersion: 2, deliveryId: "d-3")]
                )
            }
        }
    }

    @Test("hub: malformed batches are refused with 400 and a reason")
    func validation() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                var wrongKey = try batch(baseURL, "d-1", [TestRecords.hub("a")])
                wrongKey.headers = wrongKey.headers.map { $0.name == "Idempotency-Key" ? HTTPHeader(name: $0.name, value: "other") : $0 }
                let refused = try await client.send(wrongKey)
                #expect(refused.status == 400)
                #expect(try json(refused)["error"] as? String == "Idempotency-Key must equal deliveryId")

                var tooMany = try batch(baseURL, "d-2", [TestRecords.hub("a")])
                let records = (0...500).map { TestRecords.hub("r\($0)") }
                tooMany.body = try JSONEncoder().encode(["deliveryId": AnyEncodable("d-2"), "records": AnyEncodable(records)])
                #expect(try await client.send(tooMany).status == 400)

                var garbage = try batch(baseURL, "d-3", [TestRecords.hub("a")])
                garbage.body = Data("{".utf8)
                #expect(try await client.send(garbage).status == 400)
                #expect(await hub.state().records.isEmpty)
            }
        }
    }

    @Test("hub: the natural person's ID number must arrive masked, or it is listed as a privacy violation")
    func privacyCheck() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                // Bypass the protocol (which masks) to send the record as stored.
                let body = try JSONEncoder().encode(["deliveryId": AnyEncodable("d-1"), "records": AnyEncodable([TestRecords.hub("a")])])
                var request = try batch(baseURL, "d-1", [TestRecords.hub("a")])
                request.body = body
                _ = try await client.send(request)
                #expect(await hub.state().privacyViolations.count == 1)
                _ = try await client.send(try batch(baseURL, "d-2", [TestRecords.hub("b")]))
                #expect(await hub.state().privacyViolations.count == 1)
            }
        }
    }

    @Test("faults through the admin route: status with Retry-After, per-record rejection by field text, clearing")
    func adminFaults() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                func admin(_ method: HTTPMethod, _ body: String? = nil) async throws -> OutboundResponse {
                    try await client.send(
                        OutboundRequest(
                            method: method,
                            url: baseURL + "/_standin/faults",
                            headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                            body: body.map { Data($0.utf8) }
                        )
                    )
                }
                let injected = try await admin(
                    .post,
                    #"[{"kind":"status","status":503,"retryAfterSeconds":2},{"kind":"rejectWhereFieldContains","field":"title","text":"拒收","reason":"标题含拒收"}]"#
                )
                #expect(injected.status == 200)
                #expect(try await admin(.post, #"{"kind":"status"}"#).status == 400)
                #expect(try await admin(.post, #"{"kind":"nonsense"}"#).status == 400)

                let busy = try await client.send(try batch(baseURL, "d-1", [TestRecords.hub("a")]))
                #expect(busy.status == 503)
                #expect(busy.retryAfter == .seconds(2))
                let mixed = try await client.send(
                    try batch(baseURL, "d-2", [TestRecords.hub("a"), TestRecords.hub("b", title: "拒收的公告")])
                )
                #expect(try json(mixed)["accepted"] as? [String] == ["a"])
                let rejected = try #require(try json(mixed)["rejected"] as? [[String: String]])
                #expect(rejected == [["recordId": "b", "reason": "标题含拒收"]])

                #expect(try await admin(.delete).status == 204)
                let clean = try await client.send(try batch(baseURL, "d-3", [TestRecords.hub("b", title: "拒收的公告")]))
                #expect(try json(clean)["accepted"] as? [String] == ["b"])

                let state = try JSONDecoder().decode(
                    TradingHubState.self,
                    from: try await client.send(OutboundRequest(method: .get, url: baseURL + "/_standin/state")).body
                )
                #expect(state.faultsApplied["status"] == 1)
                #expect(state.rejections.map(\.recordId) == ["b"])
                #expect(state.requests == 3)
            }
        }
    }

    @Test("hub: a connection dropped after handling leaves the record applied")
    func dropAfterHandling() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.drop(.afterHandling))
            try await withHTTPClient { client in
                let result = await sendResult(client, try batch(baseURL, "d-1", [TestRecords.hub("a")]))
                guard case .failure(let error) = result else {
                    Issue.record("expected a broken connection, got \(result)")
                    return
                }
                #expect(error.kind == .connectionReset)
                #expect(await hub.state().records["a"]?.appliedVersions == [1])
                // The resend gets the stored answer.
                let resent = try await client.send(try batch(baseURL, "d-1", [TestRecords.hub("a")]))
                #expect(try json(resent)["accepted"] as? [String] == ["a"])
                #expect(await hub.state().idempotentReplays == 1)
            }
        }
    }

    @Test("publisher: PUT keeps the highest version, DELETE takes down, older requests answer 409")
    func publisher() async throws {
        let standIn = CreditZhejiangStandIn()
        try await standIn.withServer { baseURL in
            try await withHTTPClient { client in
                let publisher = PublisherDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))
                func put(_ version: Int) async throws -> Int {
                    try await client.send(try publisher.makePutRequest(TestRecords.credit("c1", version: version))).status
                }
                func delete(_ id: String, _ version: Int) async throws -> Int {
                    try await client.send(publisher.makeDeleteRequest(creditRecordId: id, version: version)).status
                }
                #expect(try await put(1) == 201)
                #expect(try await put(1) == 200)
                #expect(try await put(2) == 200)
                #expect(try await put(1) == 409)
                #expect(try await delete("c1", 2) == 204)
                #expect(try await delete("c1", 2) == 404)
                #expect(try await delete("never", 1) == 404)
                #expect(try await put(3) == 201)
                var noVersion = publisher.makeDeleteRequest(creditRecordId: "c1", version: 1)
                noVersion.url = baseURL + "/api/v1/publications/c1"
                #expect(try await client.send(noVersion).status == 400)

                let state = await standIn.state()
                let publication = try #require(state.publications["c1"])
                #expect(publication.version == 3)
                #expect(publication.history == ["put 1", "put 2", "delete 2", "put 3"])
                #expect(publication.record?.CF_XDR_ZJHM == TestRecords.maskedPersonalID)
                #expect(state.deletions == [.init(creditRecordId: "c1", version: 2)])
                #expect(state.orderingViolations.map(\.receivedVersion) == [1])
                #expect(state.duplicateVersions == 2)
                #expect(state.privacyViolations.isEmpty)
            }
        }
    }

    @Test("publisher: unmasked numbers, a legal representative's number and 警告-only records are flagged")
    func publisherPrivacyCheck() async throws {
        let standIn = CreditZhejiangStandIn()
        try await standIn.withServer { baseURL in
            try await withHTTPClient { client in
                for record in [
                    TestRecords.credit("p1", category: .naturalPerson),
                    TestRecords.credit("p2", category: .organization),
                    TestRecords.credit("p3", category: .organization, penalties: "警告"),
                ] {
                    let request = OutboundRequest(
                        method: .put,
                        url: baseURL + "/api/v1/publications/\(record.creditRecordId)",
                        headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                        body: try JSONEncoder().encode(record)
                    )
                    #expect(try await client.send(request).status == 201)
                }
                let violations = await standIn.state().privacyViolations
                #expect(violations.count == 4)
                #expect(violations.contains { $0.hasPrefix("p1 v1: unmasked") })
                #expect(violations.contains { $0.hasPrefix("p3 v1: only 警告") })
            }
        }
    }
}

/// Wraps any encodable value, to build request bodies the protocols would never send.
struct AnyEncodable: Encodable {
    let encodeValue: (any Encoder) throws -> Void
    init(_ value: some Encodable) { encodeValue = value.encode(to:) }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
