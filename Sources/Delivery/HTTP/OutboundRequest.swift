import Foundation

/// One HTTP request to a receiver, with the transport settings of that receiver.
///
/// The transport settings travel with the request (not with the client) so that one ``HTTPClient`` (one transfer
/// thread, one connection cache) serves every receiver.
public struct OutboundRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// Sent in order; `Content-Length` is computed from `body`.
    public var headers: [HTTPHeader]
    public var body: Data?
    public var tls: ReceiverEndpoint.TLS
    public var timeouts: ReceiverEndpoint.Timeouts
    public var proxy: ReceiverEndpoint.Proxy?

    public init(
        method: HTTPMethod,
        url: String,
        headers: [HTTPHeader] = [],
        body: Data? = nil,
        tls: ReceiverEndpoint.TLS = .init(),
        timeouts: ReceiverEndpoint.Timeouts = .init(),
        proxy: ReceiverEndpoint.Proxy? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.tls = tls
        self.timeouts = timeouts
        self.proxy = proxy
    }

    /// A request to `path` under `endpoint`'s base URL, with the endpoint's TLS, timeouts, proxy and bearer token.
    public init(method: HTTPMethod, path: String, endpoint: ReceiverEndpoint, headers: [HTTPHeader] = [], body: Data? = nil) {
        var headers = headers
        if let token = endpoint.bearerToken {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(token)"))
        }
        self.init(
            method: method,
            url: endpoint.url(path: path),
            headers: headers,
            body: body,
            tls: endpoint.tls,
            timeouts: endpoint.timeouts,
            proxy: endpoint.proxy
        )
    }
}

/// The request methods the delivery protocols use.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
}

/// One header field. Order and repetition are kept, as on the wire.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
