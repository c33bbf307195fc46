import Foundation
import Hummingbird

/// What both stand-ins expose under `/_standin` for tests and the console.
protocol StandInAdministration: Sendable {
    associatedtype State: Encodable & Sendable
    func state() async -> State
    func inject(_ fault: StandInFault) async
    func clearFaults() async
    func reset() async
}

extension Router where Context == StandInRequestContext {
    /// - `GET /_standin/state`: what the stand-in holds, as JSON.
    /// - `POST /_standin/faults`: one ``StandInFault`` or an array of them.
    /// - `DELETE /_standin/faults`: drop pending faults and rejection rules.
    /// - `POST /_standin/reset`: forget everything received, and all faults.
    func addAdminRoutes(_ administration: some StandInAdministration) {
        get("/_standin/state") { _, _ in
            jsonResponse(.ok, await administration.state())
        }
        post("/_standin/faults") { request, context in
            let body = try await collectBody(request, context: context)
            let faults: [StandInFault]
            do {
                if let many = try? JSONDecoder().decode([StandInFault].self, from: body) {
                    faults = many
                } else {
                    faults = [try JSONDecoder().decode(StandInFault.self, from: body)]
                }
            } catch {
                return errorResponse(.badRequest, "not a fault: \(error)")
            }
            if let problem = faults.compactMap(\.problem).first {
                return errorResponse(.badRequest, problem)
            }
            for fault in faults { await administration.inject(fault) }
            return jsonResponse(.ok, ["injected": faults.count])
        }
        delete("/_standin/faults") { _, _ in
            await administration.clearFaults()
            return Response(status: .noContent)
        }
        post("/_standin/reset") { _, _ in
            await administration.reset()
            return Response(status: .noContent)
        }
    }
}
