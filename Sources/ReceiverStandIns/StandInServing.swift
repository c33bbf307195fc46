import Hummingbird
import Logging

/// What every stand-in holds besides its own state: pending faults and the port its server bound.
public final class StandInCore<Record: Sendable>: Sendable {
    let faults = FaultInjector<Record>()
    let boundPort = BoundPort()

    public init() {}
}

/// A stand-in receiver: serves its protocol on loopback and takes faults on demand. The server plumbing and
/// fault controls live here once for both stand-ins.
public protocol StandInServing: AnyObject, Sendable {
    associatedtype Record: Sendable
    associatedtype ServingApplication: ApplicationProtocol
    var core: StandInCore<Record> { get }
    func makeApplication(host: String, port: Int, tls: StandInTLS?, logger: Logger?) throws -> ServingApplication
}

extension StandInServing {
    /// The port the running server bound; waits until it runs.
    public func port() async throws -> Int {
        try await core.boundPort.value()
    }

    /// Runs the stand-in on loopback until `body` returns; `body` gets the base URL (`http://127.0.0.1:<port>`).
    public func withServer<Result: Sendable>(
        port: Int = 0,
        tls: StandInTLS? = nil,
        _ body: (_ baseURL: String) async throws -> Result
    ) async throws -> Result {
        let application = try makeApplication(host: "127.0.0.1", port: port, tls: tls, logger: nil)
        return try await StandInServer.withRunning(application, boundPort: core.boundPort) { port in
            try await body(loopbackBaseURL(port: port, tls: tls != nil))
        }
    }

    public func inject(_ fault: StandInFault) async {
        await core.faults.inject(fault)
    }

    /// Refuses every record for which `predicate` holds, with `reason`, until ``clearFaults()``.
    public func rejectRecords(reason: String, where predicate: @escaping @Sendable (Record) -> Bool) async {
        await core.faults.reject(reason: reason, where: predicate)
    }

    public func clearFaults() async {
        await core.faults.clear()
    }
}
