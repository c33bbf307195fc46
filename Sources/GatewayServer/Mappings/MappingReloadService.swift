import Foundation
import Logging
import Mapping
import ServiceLifecycle
import UnixSignals

/// Reloads the mappings when an operator sends `SIGHUP` or when a file under the mappings directory changes.
///
/// Changes are found by polling content hashes (``MappingFingerprint``) every `pollInterval`: no file-watching
/// package, and it behaves the same on every file system (NFS, bind mounts) where change notifications do not.
/// A changed directory is reloaded only once it reads the same twice in a row, so that a reload never sees an
/// editor's half-written file; a refused change is not retried until the files change again or a `SIGHUP` asks.
/// The first check after start-up reloads once too (normally `unchanged`), which covers edits made while starting.
public struct MappingReloadService: Service {
    public let registry: MappingRegistry
    /// Nil turns polling off (reloads then only on `SIGHUP`).
    public let pollInterval: Duration?
    public let reloadOnSIGHUP: Bool
    public let logger: Logger
    let onReload: @Sendable (MappingRegistry.ReloadOutcome) -> Void

    /// - Parameter onReload: called after every reload attempt (metrics).
    public init(
        registry: MappingRegistry, pollInterval: Duration? = .seconds(5), reloadOnSIGHUP: Bool = true, logger: Logger,
        onReload: @escaping @Sendable (MappingRegistry.ReloadOutcome) -> Void = { _ in }
    ) {
        self.registry = registry
        self.pollInterval = pollInterval
        self.reloadOnSIGHUP = reloadOnSIGHUP
        self.logger = logger
        self.onReload = onReload
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if reloadOnSIGHUP {
                    group.addTask {
                        for await _ in await UnixSignalsSequence(trapping: .sighup) {
                            self.reload(reason: "SIGHUP")
                        }
                    }
                }
                if let pollInterval {
                    group.addTask { await self.poll(every: pollInterval) }
                }
                await group.waitForAll()
            }
        }
    }

    /// Reloads and logs the outcome; the registry keeps the failure for `/ready` and the console.
    @discardableResult
    public func reload(reason: String) -> MappingRegistry.ReloadOutcome {
        let outcome = registry.reload()
        switch outcome {
        case .applied(let previous, let version):
            logger.notice(
                "mappings reloaded",
                metadata: ["reason": "\(reason)", "mappings.previous": "\(previous)", "mappings.version": "\(version)"])
        case .unchanged(let version):
            logger.info("mappings unchanged", metadata: ["reason": "\(reason)", "mappings.version": "\(version)"])
        case .failed(let failure):
            logger.error(
                "mapping reload refused; the mappings in use stay",
                metadata: [
                    "reason": "\(reason)", "mappings.version": "\(registry.current.version)",
                    "problems": .array(failure.problems.map { .string($0) }),
                ])
        }
        onReload(outcome)
        return outcome
    }

    private func poll(every interval: Duration) async {
        // Nil at first: the files are compared with what is loaded once they read the same twice, so an edit made
        // between the start-up load and this service's first look is not missed.
        var settled: MappingFingerprint?
        var pending: MappingFingerprint?
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let seen = MappingFingerprint.read(directory: registry.directory)
            if seen == settled {
                pending = nil
            } else if seen == pending {
                let first = settled == nil
                settled = seen
                pending = nil
                reload(reason: first ? "start-up check" : "files changed")
            } else {
                pending = seen
            }
        }
    }
}
