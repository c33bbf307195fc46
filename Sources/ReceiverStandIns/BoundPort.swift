/// The port a stand-in's server bound (useful with port 0), known once the server runs.
actor BoundPort {
    private var port: Int?
    private var failure: (any Error)?
    private var waiters: [CheckedContinuation<Int, any Error>] = []

    func set(_ port: Int) {
        self.port = port
        failure = nil
        resumeWaiters(with: .success(port))
    }

    /// The server could not start (or stopped before binding): waiters get `error`.
    func fail(_ error: any Error) {
        guard port == nil else { return }
        failure = error
        resumeWaiters(with: .failure(error))
    }

    /// Forget the port of a stopped server.
    func reset() {
        port = nil
        failure = nil
    }

    /// The bound port, waiting for the server to run.
    func value() async throws -> Int {
        if let port { return port }
        if let failure { throw failure }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    private func resumeWaiters(with result: Result<Int, any Error>) {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume(with: result) }
    }
}
