/// Where and how the gateway reaches one receiver (the trading hub or the Credit Zhejiang publisher).
///
/// Every field has a default so that a configuration file only names what differs; nested per concern like
/// async-http-client's `HTTPClient.Configuration`.
public struct ReceiverEndpoint: Sendable, Hashable {
    /// Base URL without a trailing slash, e.g. `https://hub.example.gov.cn`; the protocols append their paths.
    public var baseURL: String
    /// Sent as `Authorization: Bearer <token>` when set.
    public var bearerToken: String?
    public var tls: TLS
    public var timeouts: Timeouts
    /// `nil` means no proxy at all: the `http_proxy`/`https_proxy` environment variables are deliberately ignored, so
    /// that where the gateway sends personal data is decided by its configuration alone.
    public var proxy: Proxy?

    public init(
        baseURL: String = "http://127.0.0.1:8080",
        bearerToken: String? = nil,
        tls: TLS = TLS(),
        timeouts: Timeouts = Timeouts(),
        proxy: Proxy? = nil
    ) {
        self.baseURL = baseURL
        self.bearerToken = bearerToken
        self.tls = tls
        self.timeouts = timeouts
        self.proxy = proxy
    }

    /// `baseURL` joined with `path` (which starts with `/`), tolerating a trailing slash in the base.
    public func url(path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// TLS settings: the CA bundle that signs the receiver's certificate and, for mutual TLS, the client certificate.
    public struct TLS: Sendable, Hashable {
        /// PEM file of trusted CAs (`CURLOPT_CAINFO`); `nil` uses the system's bundle.
        public var caBundlePath: String?
        /// PEM client certificate for mutual TLS (`CURLOPT_SSLCERT`).
        public var clientCertificatePath: String?
        /// PEM private key of the client certificate (`CURLOPT_SSLKEY`).
        public var clientKeyPath: String?
        /// Password of an encrypted client key (`CURLOPT_KEYPASSWD`).
        public var clientKeyPassword: String?
        /// Verify the receiver's certificate and host name. Only ever `false` against a test double.
        public var verifyPeer: Bool

        public init(
            caBundlePath: String? = nil,
            clientCertificatePath: String? = nil,
            clientKeyPath: String? = nil,
            clientKeyPassword: String? = nil,
            verifyPeer: Bool = true
        ) {
            self.caBundlePath = caBundlePath
            self.clientCertificatePath = clientCertificatePath
            self.clientKeyPath = clientKeyPath
            self.clientKeyPassword = clientKeyPassword
            self.verifyPeer = verifyPeer
        }
    }

    /// Connect timeout (TCP + TLS handshake) and total timeout of one request.
    public struct Timeouts: Sendable, Hashable {
        public var connect: Duration
        public var total: Duration

        public init(connect: Duration = .seconds(5), total: Duration = .seconds(30)) {
            self.connect = connect
            self.total = total
        }
    }

    /// An HTTP(S) forward proxy (`CURLOPT_PROXY`) and the hosts that bypass it (`CURLOPT_NOPROXY`).
    public struct Proxy: Sendable, Hashable {
        /// `http://proxy.example:3128`, credentials allowed in the URL.
        public var url: String
        /// Comma-separated host names, domains or addresses reached directly; `*` bypasses the proxy for all.
        public var noProxy: String?

        public init(url: String, noProxy: String? = nil) {
            self.url = url
            self.noProxy = noProxy
        }
    }
}

// MARK: - Decoding

// Configuration is data: these decode from the gateway's config file with every key optional. Durations are written as
// seconds (`"connect": 2.5`).
extension ReceiverEndpoint: Decodable {
    private enum CodingKeys: String, CodingKey { case baseURL, bearerToken, tls, timeouts, proxy }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ReceiverEndpoint()
        self.init(
            baseURL: try container.decodeIfPresent(String.self, forKey: .baseURL) ?? defaults.baseURL,
            bearerToken: try container.decodeIfPresent(String.self, forKey: .bearerToken),
            tls: try container.decodeIfPresent(TLS.self, forKey: .tls) ?? defaults.tls,
            timeouts: try container.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? defaults.timeouts,
            proxy: try container.decodeIfPresent(Proxy.self, forKey: .proxy)
        )
    }
}

extension ReceiverEndpoint.TLS: Decodable {
    private enum CodingKeys: String, CodingKey {
        case caBundlePath, clientCertificatePath, clientKeyPath, clientKeyPassword, verifyPeer
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            caBundlePath: try container.decodeIfPresent(String.self, forKey: .caBundlePath),
            clientCertificatePath: try container.decodeIfPresent(String.self, forKey: .clientCertificatePath),
            clientKeyPath: try container.decodeIfPresent(String.self, forKey: .clientKeyPath),
            clientKeyPassword: try container.decodeIfPresent(String.self, forKey: .clientKeyPassword),
            verifyPeer: try container.decodeIfPresent(Bool.self, forKey: .verifyPeer) ?? true
        )
    }
}

extension ReceiverEndpoint.Timeouts: Decodable {
    private enum CodingKeys: String, CodingKey { case connect, total }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        self.init(
            connect: try container.decodeIfPresent(Double.self, forKey: .connect).map(Duration.seconds) ?? defaults.connect,
            total: try container.decodeIfPresent(Double.self, forKey: .total).map(Duration.seconds) ?? defaults.total
        )
    }
}

extension ReceiverEndpoint.Proxy: Decodable {}
