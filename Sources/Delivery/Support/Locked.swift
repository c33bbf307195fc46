import Foundation

/// A value behind an `NSLock`, for state shared with the transfer thread.
///
/// `Synchronization.Mutex` would do, but needs macOS 15 while the package supports macOS 14.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
