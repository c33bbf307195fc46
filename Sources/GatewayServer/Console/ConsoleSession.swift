import Foundation
import NIOConcurrencyHelpers

/// Signed-in operators, kept server-side: the browser holds only a random session id in an `HttpOnly`,
/// `SameSite=Strict` cookie, and every form carries the session's CSRF token.
///
/// In memory rather than in the store: a restart signs operators out, which is acceptable for a console and keeps
/// session ids out of backups. Several gateway nodes behind a balancer need sticky sessions for the console.
final class ConsoleSessions: Sendable {
    struct Session: Sendable, Hashable {
        var id: String
        var operatorName: String
        /// Put in every form of the session and compared on every POST.
        var csrfToken: String
        var createdAt: Date
        var lastSeenAt: Date
    }

    static let cookieName = "cg_session"
    /// Holds the sign-in form's CSRF token before there is a session (login CSRF).
    static let signInCookieName = "cg_signin"

    /// Signed out after this long without a request.
    let idleTimeout: TimeInterval
    /// Signed out after this long in any case.
    let lifetime: TimeInterval
    private let sessions = NIOLockedValueBox<[String: Session]>([:])

    init(idleTimeout: TimeInterval = 2 * 3600, lifetime: TimeInterval = 12 * 3600) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
    }

    func create(operatorName: String, now: Date = Date()) -> Session {
        let session = Session(
            id: Self.randomToken(), operatorName: operatorName, csrfToken: Self.randomToken(), createdAt: now, lastSeenAt: now)
        sessions.withLockedValue { sessions in
            sessions = sessions.filter { isAlive($0.value, now: now) }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, its idle clock restarted; nil when unknown or expired.
    func session(id: String, now: Date = Date()) -> Session? {
        sessions.withLockedValue { sessions in
            guard var session = sessions[id] else { return nil }
            guard isAlive(session, now: now) else {
                sessions[id] = nil
                return nil
            }
            session.lastSeenAt = now
            sessions[id] = session
            return session
        }
    }

    func end(id: String) {
        sessions.withLockedValue { $0[id] = nil }
    }

    private func isAlive(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) < idleTimeout && now.timeIntervalSince(session.createdAt) < lifetime
    }

    /// 32 bytes from the system's CSPRNG, URL-safe base64: valid as a cookie value and a form field as is.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares a presented token with the expected one in time that does not depend on where they differ.
    static func tokensMatch(_ presented: String?, _ expected: String) -> Bool {
        guard let presented else { return false }
        let left = Array(presented.utf8)
        let right = Array(expected.utf8)
        guard left.count == right.count, !right.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
