import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The two store backends every store and API behaviour is tested against.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// One throwaway PostgreSQL server per test process, started on first use and stopped when the process exits.
///
/// Debian's `postgresql` package (installed by `scripts/ensure-deps`): `initdb` into a temporary directory, then
/// `pg_ctl start` on a free loopback port with the socket in that directory, `fsync=off` (nothing here needs to
/// survive a power loss) and trust authentication on loopback. PostgreSQL refuses to run as root, and CI runs as
/// root: then every server command runs as the `postgres` system user the package creates (`runuser`), and the
/// directory is handed to that user.
///
/// Stopping: an `atexit` handler sends the postmaster SIGQUIT (immediate shutdown) when the test process exits, and
/// a small watchdog shell stops the server and removes the directory if the test process dies without running it
/// (a crash, SIGKILL), so that no postgres process outlives the test run and CI never hangs on one.
///
/// Each test gets its own database (``createDatabase()``). When the server cannot be started the error says why;
/// PostgreSQL variants of tests then fail with it rather than being skipped.
public final class PostgresTestCluster: Sendable {
    public let port: Int
    public let directory: URL
    let binDirectory: URL
    let postmasterPID: pid_t

    /// The started cluster, or why it could not be started (made once per process).
    public static let shared: Result<PostgresTestCluster, PostgresTestClusterError> = {
        do {
            return .success(try PostgresTestCluster.start())
        } catch let error as PostgresTestClusterError {
            return .failure(error)
        } catch {
            return .failure(PostgresTestClusterError("Could not start a PostgreSQL test server: \(error)"))
        }
    }()

    /// The shared cluster, throwing a clear error when PostgreSQL is not available.
    public static func started() throws -> PostgresTestCluster {
        try shared.get()
    }

    private init(port: Int, directory: URL, binDirectory: URL, postmasterPID: pid_t) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
        self.postmasterPID = postmasterPID
    }

    /// Creates a fresh, empty database and returns its URL (`postgres://postgres@127.0.0.1:<port>/t_<uuid>`).
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// The URL of `database` on this server.
    public func url(database: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)"
    }

    /// Runs one SQL command with `psql` against the `postgres` database (as a client: no need for the server user).
    public func psql(_ sql: String, database: String = "postgres") throws {
        let result = try Self.run(
            binDirectory.appendingPathComponent("psql").path,
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-c", sql],
            asServerUser: false)
        guard result.status == 0 else {
            throw PostgresTestClusterError("psql failed (\(result.status)) for \(sql): \(result.output)")
        }
    }

    // MARK: - Starting and stopping

    /// The directory holding `initdb` and `pg_ctl`: `$POSTGRES_BIN_DIR`, or the newest `/usr/lib/postgresql/<version>/bin`.
    static func findBinDirectory() throws -> URL {
        if let configured = ProcessInfo.processInfo.environment["POSTGRES_BIN_DIR"] {
            return URL(fileURLWithPath: configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let candidates = versions.compactMap { version -> (Int, URL)? in
            guard let number = Int(version) else { return nil }
            let bin = URL(fileURLWithPath: root).appendingPathComponent(version).appendingPathComponent("bin")
            return FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) ? (number, bin) : nil
        }
        guard let newest = candidates.max(by: { $0.0 < $1.0 }) else {
            throw PostgresTestClusterError(
                "PostgreSQL server binaries (initdb, pg_ctl) not found under \(root): install Debian's postgresql package "
                    + "(scripts/ensure-deps does) or set POSTGRES_BIN_DIR.")
        }
        return newest.1
    }

    static var runsAsRoot: Bool { getuid() == 0 }

    private static func start() throws -> PostgresTestCluster {
        let bin = try findBinDirectory()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("credit-gateway-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if runsAsRoot {
            guard let user = getpwnam("postgres") else {
                throw PostgresTestClusterError(
                    "Running as root, and there is no 'postgres' system user to run the PostgreSQL server as "
                        + "(PostgreSQL refuses to run as root); install Debian's postgresql package.")
            }
            guard chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw PostgresTestClusterError("Could not hand \(directory.path) to the postgres user (errno \(errno)).")
            }
        }
        let data = directory.appendingPathComponent("data").path
        let initdb = try run(
            bin.appendingPathComponent("initdb").path,
            ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"], asServerUser: true)
        guard initdb.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw PostgresTestClusterError("initdb failed (\(initdb.status)): \(initdb.output)")
        }

        startWatchdog(bin: bin, dataDirectory: data, directory: directory)

        // A port can be taken between choosing and binding it: try a few.
        var lastFailure = ""
        for _ in 0..<5 {
            let port = freePort()
            let options = [
                "-p \(port)", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=\(directory.path)", "-c fsync=off",
                "-c full_page_writes=off", "-c max_connections=400", "-c shared_buffers=64MB",
            ].joined(separator: " ")
            let log = directory.appendingPathComponent("postgres.log").path
            let started = try run(
                bin.appendingPathComponent("pg_ctl").path, ["-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"],
                asServerUser: true)
            if started.status == 0, let pid = postmasterPID(dataDirectory: data) {
                let cluster = PostgresTestCluster(port: port, directory: directory, binDirectory: bin, postmasterPID: pid)
                cluster.registerExitHandler()
                return cluster
            }
            let serverLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            lastFailure = "pg_ctl start failed (\(started.status)): \(started.output) \(serverLog.suffix(2000))"
        }
        try? FileManager.default.removeItem(at: directory)
        throw PostgresTestClusterError(lastFailure)
    }

    /// SIGQUIT to the postmaster when this process exits.
    private func registerExitHandler() {
        Self.exitState.withLock { $0 = (postmasterPID, directory.path) }
        atexit {
            PostgresTestCluster.stopAtExit()
        }
    }

    /// A shell that waits for this process to end, however it ends, then stops the server and removes its
    /// directory: started before the server, so that no path leaves a server behind.
    private static func startWatchdog(bin: URL, dataDirectory: String, directory: URL) {
        let pgctl = bin.appendingPathComponent("pg_ctl").path
        let stop = (runsAsRoot ? "runuser -u postgres -- " : "") + "\(pgctl) -D '\(dataDirectory)' -m immediate stop"
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop) >/dev/null 2>&1; rm -rf '\(directory.path)'"
        _ = try? run("/bin/sh", ["-c", script], asServerUser: false, wait: false)
    }

    private static let exitState = ExitState()

    private static func stopAtExit() {
        guard let pid = exitState.withLock({ $0?.0 }) else { return }
        // Immediate shutdown: the postmaster tells its children to quit and exits; nothing here needs a checkpoint.
        kill(pid, SIGQUIT)
        for _ in 0..<100 where kill(pid, 0) == 0 {
            usleep(20_000)
        }
        // The watchdog removes the directory once this process is gone.
    }

    private static func postmasterPID(dataDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return pid
    }

    /// Runs a command, as the `postgres` user when this process is root and `asServerUser` is set, and waits for it.
    ///
    /// posix_spawn with every descriptor above stderr closed in the child, not Foundation's `Process`: `pg_ctl start`
    /// leaves the postmaster running with whatever it inherited, and `Process` learns that its child exited from a
    /// socket the child inherits, which the postmaster would then hold open forever. Output goes to a file, not a
    /// pipe, for the same reason.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asServerUser: Bool, wait: Bool = true) throws
        -> (status: Int32, output: String)
    {
        let command = asServerUser && runsAsRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        let outputFile = NSTemporaryDirectory() + "pg-cmd-\(UUID().uuidString).log"
        defer { unlink(outputFile) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, wait ? outputFile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard GNUSpawn.addCloseFrom(&actions, 3) == 0 else {
            throw PostgresTestClusterError("posix_spawn_file_actions_addclosefrom_np failed")
        }
        // Server commands run from a directory the postgres user can read.
        _ = GNUSpawn.addChdir(&actions, "/")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if !wait {
            // Its own session: a terminal's or the test runner's signals to this process group do not reach it.
            posix_spawnattr_setflags(&attributes, GNUSpawn.setsid)
        }

        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw PostgresTestClusterError("Could not start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        guard wait else { return (0, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        // WIFEXITED/WEXITSTATUS are macros: exited normally when the low 7 bits are 0.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A loopback port nobody listens on right now.
    public static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the PostgreSQL test server is not available.
public struct PostgresTestClusterError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The postmaster to stop at exit; read from a C `atexit` callback, so a lock rather than an actor.
private final class ExitState: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (pid_t, String)?

    func withLock<T>(_ body: (inout (pid_t, String)?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// glibc's posix_spawn extensions, which the Glibc module does not import (they need `_GNU_SOURCE`): looked up at
/// run time. Debian 12's glibc (2.36) has both functions.
private enum GNUSpawn {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// `POSIX_SPAWN_SETSID` from glibc's spawn.h.
    static let setsid: Int16 = 0x80

    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32 {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return -1 }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)(actions, from)
    }

    static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return -1 }
        return path.withCString { unsafeBitCast(symbol, to: AddChdir.self)(actions, $0) }
    }
}
