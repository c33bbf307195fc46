import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// Building and running a stand-in's Hummingbird application.
enum StandInServer {
    /// An application serving `router` on `host:port` (port 0: any free port), reporting the bound port to `boundPort`.
    static func makeApplication(
        router: Router<StandInRequestContext>,
        name: String,
        host: String,
        port: Int,
        tls: StandInTLS?,
        boundPort: BoundPort,
        logger: Logger?
    ) throws -> some ApplicationProtocol {
        var defaultLogger = Logger(label: name)
        // Quiet by default: tests and the console read the state, not the log.
        defaultLogger.logLevel = .warning
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: name)
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            await boundPort.set(channel.localAddress?.port ?? port)
        }
        guard let tls else {
            return Application(
                router: router,
                configuration: configuration,
                onServerRunning: onServerRunning,
                logger: logger ?? defaultLogger
            )
        }
        return Application(
            router: router,
            server: try .tls(tlsConfiguration: tls.makeConfiguration()),
            configuration: configuration,
            onServerRunning: onServerRunning,
            logger: logger ?? defaultLogger
        )
    }

    /// Runs `application` until `body` returns (or throws), then shuts it down: gracefully, so that connections
    /// close cleanly, but after at most `shutdownGrace` (a request held by a delay fault would otherwise hold it up).
    static func withRunning<Result: Sendable>(
        _ application: some ApplicationProtocol,
        boundPort: BoundPort,
        shutdownGrace: Duration = .seconds(1),
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        await boundPort.reset()
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: application.logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await serviceGroup.run()
                    await boundPort.fail(StandInStopped())
                } catch {
                    await boundPort.fail(error)
                    throw error
                }
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                let port = try await boundPort.value()
                outcome = .success(try await body(port))
            } catch {
                outcome = .failure(error)
            }
            await serviceGroup.triggerGracefulShutdown()
            group.addTask {
                try await Task.sleep(for: shutdownGrace)
                throw StandInStopped()
            }
            // Whichever ends first: the server's graceful shutdown, or the grace period (then it is cancelled).
            _ = try? await group.next()
            group.cancelAll()
            return try outcome.get()
        }
    }

    struct StandInStopped: Error, CustomStringConvertible {
        var description: String { "the stand-in stopped before it was listening" }
    }
}

/// The base URL of a stand-in on loopback.
func loopbackBaseURL(port: Int, tls: Bool) -> String {
    "\(tls ? "https" : "http")://127.0.0.1:\(port)"
}
