import Foundation

/// A position in the credit feed, handed to the credit platform as an opaque string.
///
/// The encoded form is base64url of `v1:<sequence>`: versioned so that a PostgreSQL store with a different
/// position scheme can tell old cursors apart, and opaque so clients do not do arithmetic on it.
public struct FeedCursor: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The feed sequence of the last entry the holder has; 0 is "before everything". Opaque outside the store.
    public let sequence: Int64

    /// The position before the first entry.
    public static let start = FeedCursor(sequence: 0)

    public init(sequence: Int64) {
        precondition(sequence >= 0, "feed sequences are not negative")
        self.sequence = sequence
    }

    /// Decodes a cursor a client sent back; throws ``StoreError/Code/invalidCursor`` for anything this store did not issue.
    public init(encoded: String) throws {
        let invalid = StoreError(.invalidCursor, "The feed cursor is not one this gateway issued.", context: ["cursor": encoded])
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !encoded.isEmpty, encoded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw invalid }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("v1:"), let sequence = Int64(text.dropFirst(3)), sequence >= 0,
            String(sequence) == text.dropFirst(3)
        else { throw invalid }
        self.init(sequence: sequence)
    }

    /// The opaque string to hand out.
    public var encoded: String {
        Data("v1:\(sequence)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public var description: String { encoded }

    public static func < (lhs: FeedCursor, rhs: FeedCursor) -> Bool {
        lhs.sequence < rhs.sequence
    }
}
