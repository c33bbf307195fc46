import ExchangeStandard
import Foundation
import ReceiverStandIns
import Testing

@testable import Delivery

@Suite("HTTPClient over libcurl, against the stand-ins on loopback")
struct HTTPClientTests {
    func batchRequest(_ baseURL: String, deliveryId: String = "dlv-basics", token: String? = nil) throws -> OutboundRequest {
        var endpoint = loopbackEndpoint(baseURL)
        endpoint.bearerToken = token
        return try HubDeliveryProtocol(endpoint: endpoint).makeRequest(deliveryId: deliveryId, records: [TestRecords.hub("basic-1")])
    }

    @Test("status, response headers and body; the request body and headers arrive")
    func basics() async throws {
        let hub = TradingHubStandIn(requiredBearerToken: "s3cret")
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                let refused = try await client.send(try batchRequest(baseURL))
                #expect(refused.status == 401)
                #expect(refused.bodyText.contains("bearer token"))

                let response = try await client.send(try batchRequest(baseURL, token: "s3cret"))
                #expect(response.status == 200)
                #expect(response.header("content-type") == "application/json")
                #expect(response.header("Content-Length") == String(response.body.count))
                let answer = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
                #expect(answer["accepted"] as? [String] == ["basic-1"])

                let state = await hub.state()
                #expect(state.records["basic-1"]?.record.title == TestRecords.hub("basic-1").title)

                let get = try await client.send(OutboundRequest(method: .get, url: baseURL + "/_standin/state"))
                #expect(get.status == 200)
                let decoded = try JSONDecoder().decode(TradingHubState.self, from: get.body)
                #expect(decoded.records.keys.sorted() == ["basic-1"])
            }
        }
    }

    @Test("Retry-After is read from a 429 and a 503")
    func retryAfter() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                await hub.inject(.status(429, retryAfterSeconds: 7))
                await hub.inject(.status(503, retryAfterSeconds: 0))
                await hub.inject(.status(503))
                let first = try await client.send(try batchRequest(baseURL))
                #expect(first.status == 429)
                #expect(first.retryAfter == .seconds(7))
                let second = try await client.send(try batchRequest(baseURL))
                #expect(second.status == 503)
                #expect(second.retryAfter == .zero)
                let third = try await client.send(try batchRequest(baseURL))
                #expect(third.retryAfter == nil)
            }
        }
    }

    @Test("Retry-After parsing: seconds only", arguments: [("120", 120), (" 3 ", 3), ("0", 0)])
    func parseRetryAfter(text: String, seconds: Int) {
        #expect(OutboundResponse.parseRetryAfter(text) == .seconds(seconds))
    }

    @Test("Retry-After parsing: no delay from dates, negatives or junk", arguments: ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1.5", ""])
    func parseRetryAfterInvalid(text: String) {
        #expect(OutboundResponse.parseRetryAfter(text) == nil)
    }

    @Test("a closed port: connection refused, at once")
    func connectionRefused() async throws {
        let port = try LoopbackSockets.closedPort()
        try await withHTTPClient { client in
            // A refusal must not wait for any timeout: curl's code 7 (not 28, a timeout) says so, and it answers well
            // before the 120 s connect timeout. The bound checks behaviour, not speed: a loaded 2-core CI machine
            // once took 15.7 s for a loopback refusal, while other tests held both cores.
            let started = ContinuousClock.now
            let result = await sendResult(
                client, OutboundRequest(method: .get, url: "http://127.0.0.1:\(port)/", timeouts: .init(connect: .seconds(120), total: .seconds(240))))
            #expect(ContinuousClock.now - started < .seconds(90))
            guard case .failure(let error) = result else {
                Issue.record("expected an error, got \(result)")
                return
            }
            #expect(error.kind == .connectionRefused)
            #expect(error.curlCode == 7)
            #expect(error.message.contains("\(port)"))
        }
    }

    @Test("a listener that never completes the handshake: connect timeout, soon after it")
    func connectTimeout() async throws {
        let blackHole = try LoopbackSockets.BlackHole()
        try await withHTTPClient { client in
            let request = OutboundRequest(
                method: .get,
                url: "http://127.0.0.1:\(blackHole.port)/",
                timeouts: .init(connect: .milliseconds(300), total: .seconds(60))
            )
            let started = ContinuousClock.now
            let result = await sendResult(client, request)
            let elapsed = ContinuousClock.now - started
            guard case .failure(let error) = result else {
                Issue.record("expected a timeout, got \(result)")
                return
            }
            #expect(error.kind == .timeout)
            #expect(error.message.contains("onnect"))
            // The connect timeout (0.3 s) fired, not the total (60 s): the message names the connect phase, and it
            // came well before the total, whatever the load on the machine.
            #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(30))
        }
    }

    @Test("a slow receiver: total timeout")
    func totalTimeout() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.delay(milliseconds: 10000))
            try await withHTTPClient { client in
                var request = try batchRequest(baseURL)
                request.timeouts = .init(connect: .seconds(2), total: .milliseconds(400))
                let started = ContinuousClock.now
                let result = await sendResult(client, request)
                let elapsed = ContinuousClock.now - started
                guard case .failure(let error) = result else {
                    Issue.record("expected a timeout, got \(result)")
                    return
                }
                #expect(error.kind == .timeout)
                #expect(error.curlCode == 28)
                // The 0.4 s total timeout fired, long before the receiver's 10 s answer.
                #expect(elapsed >= .milliseconds(350) && elapsed < .seconds(6))
            }
        }
    }

    @Test("a connection closed without an answer: connection reset")
    func droppedConnection() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.drop(.beforeHandling))
            // A fresh client: on a reused connection curl would transparently retry once on a new one.
            try await withHTTPClient { client in
                let result = await sendResult(client, try batchRequest(baseURL))
                guard case .failure(let error) = result else {
                    Issue.record("expected a broken connection, got \(result)")
                    return
                }
                #expect(error.kind == .connectionReset)
                #expect(await hub.state().records.isEmpty)
            }
        }
    }

    @Test("keep-alive: sequential requests reuse one connection")
    func connectionReuse() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                var newConnections: [Int] = []
                for index in 0..<5 {
                    let response = try await client.send(try batchRequest(baseURL, deliveryId: "reuse-\(index)"))
                    #expect(response.status == 200)
                    newConnections.append(response.newConnections)
                }
                #expect(newConnections == [1, 0, 0, 0, 0])
                #expect(await hub.state().connections == 1)
                #expect(await hub.state().batches == 5)
            }
        }
    }

    @Test("concurrent requests run side by side on the one transfer thread")
    func concurrency() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.delay(milliseconds: 1500, count: 8))
            try await withHTTPClient { client in
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<8 {
                        let request = try batchRequest(baseURL, deliveryId: "parallel-\(index)")
                        group.addTask { try await client.send(request).status }
                    }
                    for try await status in group { #expect(status == 200) }
                }
                // Serially this would take 12 s; in parallel about 1.5 s.
                #expect(ContinuousClock.now - started < .seconds(7))
            }
        }
    }

    @Test("cancelling the caller's task aborts the transfer")
    func cancellation() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.delay(milliseconds: 5000))
            try await withHTTPClient { client in
                let request = try batchRequest(baseURL)
                let task = Task { await sendResult(client, request) }
                try await Task.sleep(for: .milliseconds(200))
                let started = ContinuousClock.now
                task.cancel()
                let result = await task.value
                // Well under the 5 s the answer would take; 1 s was missed by 0.3 s on a loaded machine.
                #expect(ContinuousClock.now - started < .seconds(3))
                guard case .failure(let error) = result else {
                    Issue.record("expected cancellation, got \(result)")
                    return
                }
                #expect(error.kind == .cancelled)
            }
        }
    }

    @Test("the proxy setting is used, and noProxy bypasses it")
    func proxy() async throws {
        let hub = TradingHubStandIn()
        let closedPort = try LoopbackSockets.closedPort()
        try await hub.withServer { baseURL in
            try await withHTTPClient { client in
                // The stand-in plays the proxy: the request for a host with nothing listening reaches it.
                var request = try batchRequest("http://localhost:\(closedPort)")
                request.proxy = .init(url: baseURL)
                let viaProxy = try await client.send(request)
                #expect(viaProxy.status == 200)
                #expect(await hub.state().records["basic-1"] != nil)

                // Bypassing the proxy, the request goes straight to the closed port.
                request.proxy = .init(url: baseURL, noProxy: "localhost")
                let direct = await sendResult(client, request)
                guard case .failure(let error) = direct else {
                    Issue.record("expected a direct connection to fail, got \(direct)")
                    return
                }
                #expect(error.kind == .connectionRefused)
            }
        }
    }

    @Test("shutdown fails requests still in flight")
    func shutdown() async throws {
        let hub = TradingHubStandIn()
        try await hub.withServer { baseURL in
            await hub.inject(.delay(milliseconds: 5000))
            let client = HTTPClient()
            let request = try batchRequest(baseURL)
            let task = Task { await sendResult(client, request) }
            try await Task.sleep(for: .milliseconds(200))
            await client.shutdown()
            guard case .failure(let error) = await task.value else {
                Issue.record("expected the request to fail")
                return
            }
            #expect(error.kind == .cancelled)
            let after = await sendResult(client, request)
            guard case .failure(let late) = after else {
                Issue.record("a shut-down client must refuse requests")
                return
            }
            #expect(late.kind == .cancelled)
        }
    }
}
