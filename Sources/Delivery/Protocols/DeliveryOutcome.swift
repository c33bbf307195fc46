import Foundation

/// What one delivery attempt of one record came to, as the receiver's protocol defines it.
///
/// The protocols produce it; ``RetryPolicy`` turns it into a ``RetryDecision``.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver holds the record version (or a newer one): nothing more to do.
    case delivered
    /// The receiver refused this record or request for good (`400`, per-record rejection): dead letter with its reason.
    case rejected(reason: String)
    /// The receiver asked to wait (`429`/`503` with `Retry-After`).
    case throttled(retryAfter: Duration, reason: String)
    /// Worth trying again after a backoff: other `5xx`, timeout, broken connection, an unexpected answer.
    case failed(reason: String)

    /// The reason of a failure, empty for ``delivered``.
    public var reason: String {
        switch self {
        case .delivered: ""
        case .rejected(let reason), .throttled(_, let reason), .failed(let reason): reason
        }
    }

    /// Whether the receiver itself was reachable and answering sensibly, for ``DestinationHealth``.
    public var destinationAnswered: Bool {
        switch self {
        case .delivered, .rejected: true
        case .throttled, .failed: false
        }
    }
}

/// Classifies the answers both receivers share: throttling, server errors, transport errors.
enum CommonOutcome {
    /// The outcome for a status that is neither success nor the protocol's own permanent failure.
    static func forUnexpected(_ response: OutboundResponse, receiver: String) -> DeliveryOutcome {
        let reason = "\(receiver) answered \(response.status): \(Self.excerpt(response.bodyText))"
        switch response.status {
        case 429, 503:
            if let retryAfter = response.retryAfter {
                return .throttled(retryAfter: retryAfter, reason: reason)
            }
            return .failed(reason: reason)
        default:
            // Other 5xx are what the specs mean. Unexpected 4xx (401/403 from a rotated token or certificate, 404 from
            // a wrong base URL, 413 …) are configuration problems an operator fixes: retried with backoff and raised
            // through DestinationHealth, rather than dead-lettering every record until the fix.
            return .failed(reason: reason)
        }
    }

    static func forTransportError(_ error: TransportError, receiver: String) -> DeliveryOutcome {
        .failed(reason: "\(receiver) unreachable: \(error)")
    }

    /// The reason a receiver gives in an error body: `error`, `reason`, `message` or `detail` of a JSON object, else the
    /// body's text.
    static func reason(fromErrorBody body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            for key in ["error", "reason", "message", "detail"] {
                if let text = object[key] as? String, !text.isEmpty { return excerpt(text) }
            }
        }
        let text = excerpt(String(decoding: body, as: UTF8.self))
        return text.isEmpty ? "no reason given" : text
    }

    /// At most 500 characters of a body, for reasons stored with a record.
    static func excerpt(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count <= 500 ? trimmed : String(trimmed.prefix(500)) + "…"
    }
}
