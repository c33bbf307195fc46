import Foundation

/// A value behind an `NSLock`, for the few pieces of in-process state the store shares between tasks.
///
/// `Synchronization.Mutex` would do, but it needs macOS 15 and the package still builds for macOS 14.
final class LockedState<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
