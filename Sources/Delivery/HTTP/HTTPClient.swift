/// An HTTP client over libcurl for the gateway's outbound deliveries.
///
/// Transfers run on one dedicated thread driving a `curl_multi` handle (see ``CurlMultiLoop``), so `send` suspends
/// without blocking the caller's event loop or the cooperative thread pool, however slow the receiver. Connections are
/// kept alive in the multi handle's cache and reused across requests to the same receiver.
///
/// Call ``shutdown()`` when done; requests still in flight then fail with ``TransportError/Kind/cancelled``.
public final class HTTPClient: Sendable {
    public let configuration: Configuration
    private let loop: CurlMultiLoop

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.loop = CurlMultiLoop(name: "credit-gateway.curl", maxCachedConnections: configuration.maxCachedConnections)
    }

    deinit {
        loop.stop()
    }

    /// Sends `request` and returns the receiver's answer, whatever its status code.
    ///
    /// Throws only when there is no answer: connection refused or broken, TLS failure, timeout, DNS, or cancellation of
    /// the calling task (which aborts the transfer).
    public func send(_ request: OutboundRequest) async throws(TransportError) -> OutboundResponse {
        let transfer = try CurlTransfer(
            request: request,
            userAgent: configuration.userAgent,
            maxBodySize: configuration.maxResponseBodySize
        )
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<OutboundResponse, TransportError>, Never>) in
                transfer.completion = { continuation.resume(returning: $0) }
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try result.get()
    }

    /// Stops the transfer thread; returns once it has exited.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.stop { continuation.resume() }
        }
    }

    /// libcurl's version string (`libcurl/7.88.1 OpenSSL/3.0.x …`), for start-up logs.
    public static var curlVersion: String { CurlGlobal.version }
}

extension HTTPClient {
    /// Client-wide settings; per-receiver settings are in ``ReceiverEndpoint``.
    public struct Configuration: Sendable, Hashable {
        /// Idle connections kept for reuse across all receivers (`CURLMOPT_MAXCONNECTS`).
        public var maxCachedConnections: Int
        /// A larger answer is cut off with a ``TransportError/Kind/other`` error: receivers answer with small JSON.
        public var maxResponseBodySize: Int
        public var userAgent: String

        public init(maxCachedConnections: Int = 16, maxResponseBodySize: Int = 4 << 20, userAgent: String = "credit-gateway") {
            self.maxCachedConnections = maxCachedConnections
            self.maxResponseBodySize = maxResponseBodySize
            self.userAgent = userAgent
        }
    }
}
