/// An error from a ``GatewayStore``: a code callers can switch on, plus the context a person needs to act.
///
/// Shaped like GRDB's `DatabaseError` and PostgresNIO's `PSQLError`: the code is an extensible struct rather than
/// an enum, so that a new code does not break callers' `switch` statements, and the SQLite or PostgreSQL error
/// underneath is kept in ``underlying`` instead of leaking a driver type into callers.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable machine-readable word.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// The batch, record version or outbox entry named in the call does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// A feed cursor that this store did not issue (or that was altered).
        public static let invalidCursor = Code(rawValue: "invalid_cursor")
        /// An argument outside what the method accepts (a limit below 1, an empty owner …).
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The raw body file does not have the byte count or SHA-256 the submission states.
        public static let bodyMismatch = Code(rawValue: "body_mismatch")
        /// A record version's payload cannot be replaced because a receiver has it or is receiving it.
        public static let versionNotReplaceable = Code(rawValue: "version_not_replaceable")
        /// Stored data that does not decode or is incomplete (a missing body chunk, unreadable JSON).
        public static let corruptData = Code(rawValue: "corrupt_data")
        /// The database itself failed (I/O, full disk, lock timeout …); see ``StoreError/underlying``.
        public static let database = Code(rawValue: "database")
    }

    public var code: Code
    /// One sentence a person can act on.
    public var message: String
    /// Identifiers of what the error is about: `batchId`, `recordId`, `version`, `entryId`, `cursor`, `path` …
    public var context: [String: String]
    /// The driver or Foundation error this one wraps, if any.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, context: [String: String] = [:], underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(code): \(message)"
        if !context.isEmpty {
            text += " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
        }
        if let underlying {
            text += " — \(underlying)"
        }
        return text
    }
}
