import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

extension GatewayTestHarness {
    private actor Port {
        var value: Int?
        func set(_ port: Int?) { value = port }
    }

    /// Runs the gateway's own application (TLS as configured, the console, `/metrics`) on a free loopback port
    /// until `body` returns: what a browser or libcurl talks to.
    func serve(_ body: (Int) async throws -> Void) async throws {
        let port = Port()
        let application = try self.application.makeApplication { channel in await port.set(channel.localAddress?.port) }
        var logger = Logger(label: "served-gateway-test")
        logger.logLevel = .error
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var bound: Int?
            for _ in 0..<500 {
                bound = await port.value
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            do {
                try await body(try #require(bound))
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

extension GatewayTestHarness {
    /// Posts a sample batch (optionally edited) as its department system and returns the receipt.
    static func post(_ client: any TestClientProtocol, _ system: String, _ file: String, edit: (String) -> String = { $0 }) async throws -> [String:
        Any]
    {
        var body = try sample(system, file)
        if let text = body.getString(at: 0, length: body.readableBytes), text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"") {
            body = ByteBuffer(string: edit(text))
        }
        let response = try await client.execute(uri: "/v1/batches", method: .post, headers: headers(token: "token-\(system)"), body: body)
        #expect(response.status == .created, "\(system)/\(file): \(String(buffer: response.body))")
        return try json(response.body)
    }
}
