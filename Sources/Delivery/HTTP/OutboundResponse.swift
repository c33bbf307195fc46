import Foundation

/// A receiver's complete answer.
public struct OutboundResponse: Sendable {
    public var status: Int
    /// Header fields of the final response, in order (an interim `100 Continue` block is dropped).
    public var headers: [HTTPHeader]
    public var body: Data
    /// Connections libcurl opened for this request (`CURLINFO_NUM_CONNECTS`): `0` when a kept-alive one was reused.
    public var newConnections: Int

    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data(), newConnections: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.newConnections = newConnections
    }

    /// The first value of the header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `Retry-After` as a delay; `nil` when absent or not a number of seconds.
    ///
    /// The receivers' specs give it in seconds; the HTTP-date form is not used by them and is treated as absent,
    /// which falls back to the retry policy's own backoff.
    public var retryAfter: Duration? {
        header("Retry-After").flatMap(Self.parseRetryAfter)
    }

    /// Parses a `Retry-After` value of delay-seconds (`"120"`), tolerating surrounding whitespace.
    public static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int64(trimmed) else {
            return nil
        }
        return .seconds(seconds)
    }

    /// The body as UTF-8 text (lossy), for error messages and logs.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}
