/// A place in a mapping file, so that integrators can jump to the rule that produced or broke something.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A problem found in a mapping file without running it on any input.
public struct MappingDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// A stable identifier (`unknown_key`, `malformed_path`, `unknown_code_table`, …).
    public var code: String
    public var message: String
    public var location: SourceLocation
    public var severity: Severity

    public init(code: String, message: String, location: SourceLocation, severity: Severity = .error) {
        self.code = code
        self.message = message
        self.location = location
        self.severity = severity
    }

    public var description: String { "\(location): \(severity.rawValue): \(message) [\(code)]" }
}

/// Thrown when mapping files cannot be used; carries every diagnostic found.
public struct MappingLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [MappingDiagnostic]

    public init(diagnostics: [MappingDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
