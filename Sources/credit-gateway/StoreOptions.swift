import ArgumentParser
import Foundation
import GatewayServer
import Logging
import Store

/// How the operator commands (`audit verify`, `replay`) find the store `serve` uses: the same configuration file
/// and `GATEWAY_*` overrides, so a PostgreSQL store is opened as readily as the default SQLite file.
struct StoreOptions: ParsableArguments {
    @Option(help: "Configuration file (YAML) whose store to open. Environment variables GATEWAY_* override it.")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Data directory holding gateway.sqlite (when no store is configured).")
    var dataDirectory: String?

    @Option(help: "Store to open: sqlite:<path> or postgres://user@host:port/database; overrides the configuration.")
    var store: String?

    /// The store these options name.
    func location() throws -> StoreLocation {
        var configuration = try GatewayConfiguration.load(file: config)
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let store { configuration.store = store }
        do {
            return try configuration.storeLocation()
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
    }

    /// Opens the store, runs `body`, and closes it again.
    func withStore<T>(_ body: (any GatewayStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "credit-gateway")
        logger.logLevel = .warning
        let store = try await location().open(logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
