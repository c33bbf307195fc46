import Foundation

/// A throwaway PKI made with the `openssl` command line in a temporary directory: a CA, a server certificate for
/// `127.0.0.1`/`localhost`, a client certificate with a password-protected key, and a second, unrelated CA with its own
/// client certificate (for the "wrong CA" cases).
public struct TestCertificates: Sendable {
    public let directory: URL
    public var caPath: String { path("ca.pem") }
    public var serverCertificatePath: String { path("server.pem") }
    public var serverKeyPath: String { path("server.key") }
    public var clientCertificatePath: String { path("client.pem") }
    public var clientKeyPath: String { path("client.key") }
    public let clientKeyPassword = "correct horse"
    public var otherCAPath: String { path("other-ca.pem") }
    public var otherClientCertificatePath: String { path("other-client.pem") }
    public var otherClientKeyPath: String { path("other-client.key") }

    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The `openssl` executable on `PATH`, if any.
    public static let opensslPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/openssl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    public static var opensslAvailable: Bool { opensslPath != nil }

    /// Made once per test process.
    public static let shared: Result<TestCertificates, any Error> = Result { try TestCertificates.make() }

    private static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-tests-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try certificates.generate()
        return certificates
    }

    private func generate() throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        try write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
        try write("server.ext", "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try write("client.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")

        for ca in ["ca", "other-ca"] {
            try openssl(
                ["req", "-x509"] + ec + ["-nodes", "-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2", "-subj", "/CN=Test \(ca)"]
                    + ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        try openssl(["req"] + ec + ["-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
        try sign("server", by: "ca", extensions: "server.ext")
        // The gateway's client key is encrypted, as it would be on a real node.
        try openssl(
            ["req"] + ec + ["-keyout", "client.key", "-passout", "pass:\(clientKeyPassword)", "-out", "client.csr", "-subj", "/CN=credit-gateway"])
        try sign("client", by: "ca", extensions: "client.ext")
        try openssl(["req"] + ec + ["-nodes", "-keyout", "other-client.key", "-out", "other-client.csr", "-subj", "/CN=intruder"])
        try sign("other-client", by: "other-ca", extensions: "client.ext")
    }

    private func sign(_ name: String, by ca: String, extensions: String) throws {
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", extensions,
        ])
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    private func openssl(_ arguments: [String]) throws {
        guard let executable = Self.opensslPath else { throw PKIError(message: "openssl not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw PKIError(message: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(text)")
        }
    }

    public struct PKIError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
