import Delivery
import Foundation
import GatewayServer
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TestSupport
import Testing

@Suite("HTTPS served by the gateway, with client certificates", .serialized)
struct HTTPSTests {
    actor Port {
        var value: Int?
        func set(_ port: Int?) { value = port }
    }

    /// Runs the gateway's own application (TLS as configured) on a free loopback port until `body` returns.
    func withRunningGateway(_ harness: GatewayTestHarness, _ body: (Int) async throws -> Void) async throws {
        let port = Port()
        let application = try harness.application.makeApplication { channel in await port.set(channel.localAddress?.port) }
        var logger = Logger(label: "https-test")
        logger.logLevel = .error
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var bound: Int?
            for _ in 0..<200 {
                bound = await port.value
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await body(try #require(bound))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a department with a certificate from the configured CA and a token gets in; without a certificate it cannot connect")
    func mutualTLS() async throws {
        try #require(TestCertificates.opensslAvailable, "the openssl command is needed to make a test PKI")
        let certificates = try TestCertificates.shared.get()
        let harness = try await GatewayTestHarness { configuration in
            configuration.server.port = 0
            configuration.server.tls = ServerTLS(
                certificatePath: certificates.serverCertificatePath, privateKeyPath: certificates.serverKeyPath, clientCAPath: certificates.caPath)
        }
        defer { harness.remove() }
        let client = HTTPClient()
        let body = Data(try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml").readableBytesView)
        let headers = [HTTPHeader(name: "Authorization", value: "Bearer token-zj-mining"), HTTPHeader(name: "Content-Type", value: "application/xml")]
        try await withRunningGateway(harness) { port in
            let url = "https://127.0.0.1:\(port)/v1/batches"
            let withCertificate = ReceiverEndpoint.TLS(
                caBundlePath: certificates.caPath, clientCertificatePath: certificates.clientCertificatePath,
                clientKeyPath: certificates.clientKeyPath, clientKeyPassword: certificates.clientKeyPassword)
            let accepted = try await client.send(OutboundRequest(method: .post, url: url, headers: headers, body: body, tls: withCertificate))
            #expect(accepted.status == 201)

            let withoutCertificate = ReceiverEndpoint.TLS(caBundlePath: certificates.caPath)
            do {
                let refused = try await client.send(OutboundRequest(method: .post, url: url, headers: headers, body: body, tls: withoutCertificate))
                Issue.record("a client without a certificate was answered \(refused.status)")
            } catch let error as TransportError {
                #expect(error.kind == .tls || error.kind == .connectionReset || error.kind == .other)
            }

            let otherCA = ReceiverEndpoint.TLS(
                caBundlePath: certificates.caPath, clientCertificatePath: certificates.otherClientCertificatePath,
                clientKeyPath: certificates.otherClientKeyPath)
            await #expect(throws: TransportError.self) {
                _ = try await client.send(OutboundRequest(method: .post, url: url, headers: headers, body: body, tls: otherCA))
            }
        }
    }
}
