import Foundation

/// Wakes in-process long polls when a commit added to the credit feed.
///
/// A generation counter rather than a value: a waiter reads the generation *before* it checks the database and
/// then waits only while the generation is unchanged, so a commit between its check and its wait is never missed.
/// Shared by both stores: SQLite signals this process's commits and sees other writers by polling; PostgreSQL also
/// signals on every `NOTIFY` from another node, and polls in case a notification was lost with its connection.
final class CommitSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterId: UInt64 = 0
    }

    private let state = LockedState(State())

    var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Called after a commit is durable.
    func signal() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the generation moves past `generation`, after `timeout`, or when the task is cancelled.
    func wait(whileGenerationIs generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForChange(from: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForChange(from generation: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiterId &+= 1 }
            return state.nextWaiterId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Cancellation is flagged before the handler runs, so checking it here under the lock closes
                    // the race with a handler that ran before this continuation was registered.
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

extension CommitSignal {
    /// The long-poll loop of ``GatewayStore/waitForCreditCommit(after:timeout:)``: true as soon as `hasEntries`
    /// does, false after `timeout`; re-checks on every signal and at least every `pollInterval`.
    func waitForCommit(
        timeout: Duration, pollInterval: Duration, hasEntries: () async throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            // Generation first, database second: a commit landing between the two still wakes the wait below.
            let generation = self.generation
            if try await hasEntries() {
                return true
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                return false
            }
            await wait(whileGenerationIs: generation, timeout: min(remaining, pollInterval))
            try Task.checkCancellation()
        }
    }
}
