import Delivery
import Foundation
import ReceiverStandIns
import Testing

/// Runs `body` with a fresh client and shuts it down afterwards.
func withHTTPClient<Result>(
    _ configuration: HTTPClient.Configuration = .init(),
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// The result of `send`, errors included, for tests that look at both.
func sendResult(_ client: HTTPClient, _ request: OutboundRequest) async -> Result<OutboundResponse, TransportError> {
    do {
        return .success(try await client.send(request))
    } catch {
        return .failure(error)
    }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `timeout`.
func eventually(
    timeout: Duration = .seconds(20),
    _ condition: () async -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// An endpoint on loopback with short timeouts.
func loopbackEndpoint(_ baseURL: String, total: Duration = .seconds(10)) -> ReceiverEndpoint {
    ReceiverEndpoint(baseURL: baseURL, timeouts: .init(connect: .seconds(2), total: total))
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
