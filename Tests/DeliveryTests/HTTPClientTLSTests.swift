import Foundation
import ReceiverStandIns
import TestSupport
import Testing

@testable import Delivery

/// TLS and mutual TLS against the stand-ins (HummingbirdTLS) with a throwaway PKI made by `openssl`.
@Suite("HTTPClient TLS", .enabled(if: TestCertificates.opensslAvailable, "needs the openssl command line"))
struct HTTPClientTLSTests {
    func certificates() throws -> TestCertificates {
        try TestCertificates.shared.get()
    }

    func stateRequest(_ baseURL: String, tls: ReceiverEndpoint.TLS) -> OutboundRequest {
        OutboundRequest(method: .get, url: baseURL + "/_standin/state", tls: tls, timeouts: .init(connect: .seconds(3), total: .seconds(10)))
    }

    @Test("the server's certificate is verified against the configured CA bundle")
    func caBundle() async throws {
        let pki = try certificates()
        let hub = TradingHubStandIn()
        let serverTLS = StandInTLS(certificatePath: pki.serverCertificatePath, privateKeyPath: pki.serverKeyPath)
        try await hub.withServer(tls: serverTLS) { baseURL in
            #expect(baseURL.hasPrefix("https://127.0.0.1:"))
            try await withHTTPClient { client in
                let response = try await client.send(stateRequest(baseURL, tls: .init(caBundlePath: pki.caPath)))
                #expect(response.status == 200)
                // By name as well as by address: the certificate carries both.
                let byName = baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
                #expect(try await client.send(stateRequest(byName, tls: .init(caBundlePath: pki.caPath))).status == 200)
            }
        }
    }

    @Test("a server certificate from another CA fails as a TLS error, unless verification is off")
    func wrongCA() async throws {
        let pki = try certificates()
        let hub = TradingHubStandIn()
        let serverTLS = StandInTLS(certificatePath: pki.serverCertificatePath, privateKeyPath: pki.serverKeyPath)
        try await hub.withServer(tls: serverTLS) { baseURL in
            try await withHTTPClient { client in
                let result = await sendResult(client, stateRequest(baseURL, tls: .init(caBundlePath: pki.otherCAPath)))
                guard case .failure(let error) = result else {
                    Issue.record("expected verification to fail, got \(result)")
                    return
                }
                #expect(error.kind == .tls)
                #expect(error.curlCode == 60)

                let unverified = try await client.send(stateRequest(baseURL, tls: .init(caBundlePath: pki.otherCAPath, verifyPeer: false)))
                #expect(unverified.status == 200)
            }
        }
    }

    @Test("mutual TLS: the client certificate with its encrypted key is accepted")
    func mutualTLS() async throws {
        let pki = try certificates()
        let hub = TradingHubStandIn()
        let serverTLS = StandInTLS(certificatePath: pki.serverCertificatePath, privateKeyPath: pki.serverKeyPath, clientCAPath: pki.caPath)
        try await hub.withServer(tls: serverTLS) { baseURL in
            try await withHTTPClient { client in
                let tls = ReceiverEndpoint.TLS(
                    caBundlePath: pki.caPath,
                    clientCertificatePath: pki.clientCertificatePath,
                    clientKeyPath: pki.clientKeyPath,
                    clientKeyPassword: pki.clientKeyPassword
                )
                let endpoint = ReceiverEndpoint(baseURL: baseURL, tls: tls)
                let request = try HubDeliveryProtocol(endpoint: endpoint).makeRequest(deliveryId: "mtls", records: [TestRecords.hub("m-1")])
                let first = try await client.send(request)
                #expect(first.status == 200)
                #expect(await hub.state().records["m-1"] != nil)
                // The TLS connection is kept alive too.
                let second = try await client.send(request)
                #expect(second.newConnections == 0)
            }
        }
    }

    @Test(
        "mutual TLS: no client certificate, one from another CA, or a wrong key password fail as TLS errors",
        arguments: ["none", "other CA", "wrong password"]
    )
    func mutualTLSRefused(case name: String) async throws {
        let pki = try certificates()
        let hub = TradingHubStandIn()
        let serverTLS = StandInTLS(certificatePath: pki.serverCertificatePath, privateKeyPath: pki.serverKeyPath, clientCAPath: pki.caPath)
        let tls: ReceiverEndpoint.TLS =
            switch name {
            case "none": .init(caBundlePath: pki.caPath)
            case "other CA":
                .init(caBundlePath: pki.caPath, clientCertificatePath: pki.otherClientCertificatePath, clientKeyPath: pki.otherClientKeyPath)
            default:
                .init(
                    caBundlePath: pki.caPath,
                    clientCertificatePath: pki.clientCertificatePath,
                    clientKeyPath: pki.clientKeyPath,
                    clientKeyPassword: "wrong"
                )
            }
        try await hub.withServer(tls: serverTLS) { baseURL in
            try await withHTTPClient { client in
                let result = await sendResult(client, stateRequest(baseURL, tls: tls))
                guard case .failure(let error) = result else {
                    Issue.record("\(name): expected a TLS failure, got \(result)")
                    return
                }
                #expect(error.kind == .tls, "\(name): \(error)")
            }
        }
    }
}
