/// A request that got no HTTP answer: the connection could not be made, broke, or took too long.
///
/// A struct with an extensible ``Kind`` (as async-http-client's `HTTPClientError`), carrying curl's own error text, which
/// names the host, the timeout or the TLS problem an operator has to fix.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: Kind
    /// libcurl's `CURLcode`, when the error came from libcurl.
    public var curlCode: Int?
    /// libcurl's detailed message (`CURLOPT_ERRORBUFFER`), else its generic text for the code.
    public var message: String
    public var url: String

    public init(kind: Kind, curlCode: Int? = nil, message: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
    }

    public var description: String {
        let code = curlCode.map { " (curl \($0))" } ?? ""
        return "\(kind) \(url): \(message)\(code)"
    }

    /// What went wrong, coarse enough to decide on a retry.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case timeout, connectionRefused, connectionReset, tls, dns, cancelled, other
        }
        private let base: Base

        /// The connect timeout or the total timeout passed.
        public static let timeout = Kind(base: .timeout)
        /// Nothing listens at the address, or it cannot be reached.
        public static let connectionRefused = Kind(base: .connectionRefused)
        /// The connection broke: closed without an answer, reset, or failed while sending or receiving.
        public static let connectionReset = Kind(base: .connectionReset)
        /// TLS handshake or certificate verification failed (either side), or a local certificate/key is unusable.
        public static let tls = Kind(base: .tls)
        /// The host or proxy name does not resolve.
        public static let dns = Kind(base: .dns)
        /// The caller's task was cancelled, or the client shut down, before the answer came.
        public static let cancelled = Kind(base: .cancelled)
        /// Anything else (bad URL, unsupported option, answer too large …).
        public static let other = Kind(base: .other)

        public var description: String { base.rawValue }
    }
}
