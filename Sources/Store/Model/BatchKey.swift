import Crypto
import Foundation

/// What makes two posted batches "the same batch": the source system plus its batch number, or plus the body's
/// SHA-256 when the source numbers nothing.
///
/// The gateway batch id is derived from the key alone, so every node (and every retry) computes the same id
/// without asking the database, and a UNIQUE constraint on the key decides races between nodes.
public struct BatchKey: Hashable, Sendable {
    public var sourceSystem: String
    /// The source's batch number, or `sha256:<hex>` of the body when the source gave none.
    public var value: String

    public init(sourceSystem: String, batchNumber: String?, bodySHA256: String) {
        self.sourceSystem = sourceSystem
        // The prefix keeps a hash-derived key from ever equalling a real batch number.
        self.value = batchNumber ?? "sha256:\(bodySHA256.lowercased())"
    }

    /// `B` followed by the first 20 hex digits of SHA-256("system\u{0}key").
    public var batchId: String {
        var input = Data(sourceSystem.utf8)
        input.append(0)
        input.append(contentsOf: value.utf8)
        let hex = SHA256Digest.hex(of: input)
        return "B" + hex.prefix(20)
    }
}
