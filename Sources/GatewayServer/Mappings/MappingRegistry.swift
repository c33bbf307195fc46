import Foundation
import Mapping
import NIOConcurrencyHelpers

/// The mapping set the gateway maps with, replaceable while it runs.
///
/// Ingest reads ``current`` once per batch and keeps that value to the end of the batch, so a batch in flight
/// finishes with the mapping it started with and its records name the file hash of that mapping. A reload loads
/// and checks the whole directory first and swaps the value only when everything passed: a broken file never
/// replaces a working set; the failure is kept (``lastFailure``) for `/ready`, the console and the log until a later
/// reload succeeds.
public final class MappingRegistry: Sendable {
    /// Why the last reload was refused: when, and every problem found, `file:line:column`.
    public struct ReloadFailure: Sendable, Hashable {
        public var at: Date
        public var problems: [String]
    }

    /// What a reload did.
    public enum ReloadOutcome: Sendable, Hashable {
        /// The new set is in use.
        case applied(previousVersion: String, version: String)
        /// The files load into the set already in use.
        case unchanged(version: String)
        /// The set in use stays; see ``MappingRegistry/lastFailure``.
        case failed(ReloadFailure)
    }

    private struct State: Sendable {
        var current: MappingSet
        var loadedAt: Date
        var lastFailure: ReloadFailure?
    }

    /// The directory reloads read.
    public let directory: String
    /// Mapping systems the configured sources need: a set without one of them cannot replace the current one.
    public let requiredSystems: Set<String>
    private let state: NIOLockedValueBox<State>
    /// Serializes reloads (a SIGHUP during a poll), so that two loads never race to swap.
    private let reloading = NIOLock()

    public init(initial: MappingSet, requiredSystems: Set<String> = [], now: Date = Date()) {
        self.directory = initial.directory
        self.requiredSystems = requiredSystems
        self.state = NIOLockedValueBox(State(current: initial, loadedAt: now))
    }

    /// The set to map a batch with: read it once per batch.
    public var current: MappingSet { state.withLockedValue { $0.current } }

    /// When ``current`` was loaded.
    public var loadedAt: Date { state.withLockedValue { $0.loadedAt } }

    /// The last refused reload, nil once a reload succeeded after it.
    public var lastFailure: ReloadFailure? { state.withLockedValue { $0.lastFailure } }

    /// Loads and checks the directory; swaps it in when it is sound and differs from the set in use.
    ///
    /// Synchronous file and YAML work: call it from a background task, not from a request handler.
    @discardableResult
    public func reload(now: Date = Date()) -> ReloadOutcome {
        reloading.withLock {
            let outcome: ReloadOutcome
            switch MappingSet.load(directory: directory) {
            case .failure(let error):
                outcome = .failed(ReloadFailure(at: now, problems: error.diagnostics.filter { $0.severity == .error }.map(\.description)))
            case .success(let (set, _)):
                let missing = requiredSystems.subtracting(set.mappings.keys).sorted()
                if !missing.isEmpty {
                    outcome = .failed(
                        ReloadFailure(
                            at: now,
                            problems: missing.map { "systems/: no mapping for system '\($0)', which a configured source uses [missing_system]" }))
                } else {
                    outcome = state.withLockedValue { state in
                        let previous = state.current.version
                        guard set.version != previous else { return .unchanged(version: previous) }
                        state.current = set
                        state.loadedAt = now
                        return .applied(previousVersion: previous, version: set.version)
                    }
                }
            }
            state.withLockedValue { state in
                switch outcome {
                case .failed(let failure): state.lastFailure = failure
                case .applied, .unchanged: state.lastFailure = nil
                }
            }
            return outcome
        }
    }
}
