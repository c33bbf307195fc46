import Foundation
import Logging

/// Which store a gateway uses, as configured: `sqlite:<path>` or `postgres://user[:password]@host[:port]/database`.
///
/// Every command that opens the store (`serve`, `audit verify`, `replay`) goes through this, so that they all open
/// the configured one.
public enum StoreLocation: Hashable, Sendable, CustomStringConvertible {
    /// The embedded store: one SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database, which several gateway nodes may share.
    case postgres(PostgresConnectionParameters)

    /// Parses `sqlite:<path>` (relative paths are relative to the working directory) or a `postgres://` /
    /// `postgresql://` URL; anything else is ``StoreError/Code/invalidArgument``.
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            // Accept the URL-shaped spelling too: sqlite:///var/lib/gateway.sqlite.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw StoreError(.invalidArgument, "A SQLite store needs a file path: sqlite:<path>.", context: ["store": text])
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresConnectionParameters(url: text))
        } else {
            throw StoreError(
                .invalidArgument, "The store is sqlite:<path> or postgres://user@host:port/database.",
                context: ["store": PostgresConnectionParameters.redacted(text)])
        }
    }

    /// Opens (and migrates) the store.
    public func open(logger: Logger = Logger(label: "credit-gateway.store")) async throws -> any GatewayStore {
        switch self {
        case .sqlite(let path):
            return try SQLiteGatewayStore(path: path)
        case .postgres(let parameters):
            return try await PostgresGatewayStore(connection: parameters, logger: logger)
        }
    }

    /// For logs: the path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let parameters): parameters.description
        }
    }
}
