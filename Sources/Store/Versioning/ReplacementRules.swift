import Foundation

/// When a stored version's payload may be replaced (``GatewayStore/replaceRecordVersionPayload(_:now:)``), shared by both stores.
enum ReplacementRules {
    /// A receiver that has (or is being sent) a version keeps it and ignores the same version with other content.
    static func ensureReplaceable(_ deliveries: [OutboxEntry], context: [String: String]) throws {
        let blocking = deliveries.filter { $0.state == .delivered || $0.state == .inflight }
        guard blocking.isEmpty else {
            var context = context
            context["entries"] = blocking.map { "\($0.id) \($0.destination.rawValue) \($0.state.rawValue)" }.joined(separator: "; ")
            throw StoreError(
                .versionNotReplaceable,
                "A receiver already has this version or is receiving it; send the fix as a new version (a resend from the source).",
                context: context)
        }
    }
}
