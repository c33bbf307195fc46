import Foundation

/// The raw bytes of a posted batch, as a file the ingest route spooled the request body into.
///
/// Bodies can be tens of megabytes, so they are never held in memory as one `Data`: the store copies the file
/// into the database in fixed-size chunks (see ``SQLiteGatewayStore/Configuration/bodyChunkSize``) and checks
/// the byte count and SHA-256 while it copies. The file belongs to the caller; the store only reads it.
public struct RawBatchBody: Hashable, Sendable {
    /// Path of the spooled body on local disk.
    public var path: String
    /// Its size in bytes, as received.
    public var byteCount: Int64

    public init(path: String, byteCount: Int64) {
        self.path = path
        self.byteCount = byteCount
    }
}
