import HummingbirdTLS
import NIOSSL

/// TLS for a stand-in: its certificate and key, and optionally the CA that client certificates must chain to.
public struct StandInTLS: Sendable, Hashable {
    /// PEM certificate chain, leaf first.
    public var certificatePath: String
    /// PEM private key of the leaf (unencrypted).
    public var privateKeyPath: String
    /// When set, every client must present a certificate signed by this CA (mutual TLS).
    public var clientCAPath: String?

    public init(certificatePath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    func makeConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
        guard let clientCAPath else {
            return .makeServerConfiguration(certificateChain: chain, privateKey: key)
        }
        // Verification without host name (a server cannot check a client's name) and a certificate is required.
        return .makeServerConfigurationWithMTLS(certificateChain: chain, privateKey: key, trustRoots: .file(clientCAPath))
    }
}
