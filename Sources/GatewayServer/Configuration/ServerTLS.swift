import NIOSSL

/// HTTPS served by the gateway itself, optionally requiring client certificates from the province's CA:
/// department systems then authenticate twice, by certificate at the TLS handshake and by bearer token.
public struct ServerTLS: Sendable, Codable, Hashable {
    public var certificatePath: String
    public var privateKeyPath: String
    /// CA bundle that client certificates must chain to; when set, a connection without one is refused.
    public var clientCAPath: String?

    public init(certificatePath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    public func makeConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
        guard let clientCAPath else { return .makeServerConfiguration(certificateChain: chain, privateKey: key) }
        // Clients have no host name to verify; the chain to the configured CA is what counts.
        return .makeServerConfigurationWithMTLS(certificateChain: chain, privateKey: key, trustRoots: .file(clientCAPath))
    }
}
