import Delivery
import Foundation
import GatewayServer
import NIOCore
import TestSupport
import Testing

@Suite("HTTPS served by the gateway, with client certificates", .serialized)
struct HTTPSTests {
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
        let headers = [
            HTTPHeader(name: "Authorization", value: "Bearer token-zj-mining"), HTTPHeader(name: "Content-Type", value: "application/xml"),
        ]
        try await harness.serve { port in
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
