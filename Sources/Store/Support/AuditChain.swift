import Crypto
import Foundation

/// The audit chain's hash: `SHA-256(previous ‖ bodySHA256 ‖ SHA-256(receipt JSON))` over raw 32-byte digests.
///
/// Shared by every store implementation, so that a chain exported from SQLite verifies the same in PostgreSQL.
enum AuditChain {
    static func linkHash(previous: Data, bodySHA256: Data, receiptSHA256: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: bodySHA256)
        hasher.update(data: receiptSHA256)
        return Data(hasher.finalize())
    }
}
