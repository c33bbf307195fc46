import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Headless Chromium driven over the DevTools protocol through a pipe (`--remote-debugging-pipe`: commands on the
/// child's fd 3, answers and events on its fd 4, each message JSON ending in a NUL byte).
///
/// A pipe rather than `--remote-debugging-port`: no WebSocket client is needed, no port can be taken by another
/// test, and nothing else on the machine can talk to the browser.
///
/// Messages are read on a thread of their own; each command waits for the answer with its id (events are ignored:
/// pages are awaited by polling the document). Mutable state is behind `lock`.
final class Chromium: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Debian's `chromium`, or another Chromium-based browser on the PATH.
    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let profile: URL
    private let lock = NSLock()
    private var pending: [Int: CheckedContinuation<Data, any Error>] = [:]
    /// The timeout of each pending command, cancelled when its answer comes.
    private var timers: [Int: Task<Void, Never>] = [:]
    private var nextId = 0
    private var closed = false

    init() throws {
        guard let executable = Self.executable else { throw Failure(description: "no chromium on the PATH (scripts/ensure-deps installs it)") }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else {
            throw Failure(description: "pipe failed: \(errno)")
        }
        // Our ends must not leak into other children (the gateway process tests spawn some).
        _ = fcntl(toChild[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fromChild[0], F_SETFD, FD_CLOEXEC)
        // The child's ends go to fds 3 and 4; keep them above 4 here so that dup2 never maps a descriptor onto itself
        // (which would leave it close-on-exec).
        let childReads = fcntl(toChild[0], F_DUPFD_CLOEXEC, 10)
        let childWrites = fcntl(fromChild[1], F_DUPFD_CLOEXEC, 10)
        close(toChild[0])
        close(fromChild[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childReads, 3)
        posix_spawn_file_actions_adddup2(&actions, childWrites, 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
            "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", "about:blank",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, environ)
        close(childReads)
        close(childWrites)
        guard spawned == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "posix_spawn \(executable) failed: \(spawned)")
        }
        pid = child
        commands = toChild[1]
        answers = fromChild[0]
        let reader = Thread { [self] in readLoop() }
        reader.name = "chromium-cdp"
        reader.start()
    }

    /// Sends a DevTools command (to the page `session` when given) and returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Duration = .seconds(60)) async throws -> [String: Any]
    {
        let id = lock.withLock {
            nextId += 1
            return nextId
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        let answer = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            let refused: Bool = lock.withLock {
                if closed { return true }
                pending[id] = continuation
                return false
            }
            if refused {
                continuation.resume(throwing: Failure(description: "the browser has gone"))
                return
            }
            data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(commands, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            let timer = Task { [self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                resume(id, with: .failure(Failure(description: "\(method) got no answer within \(timeout)")))
            }
            lock.withLock { timers[id] = timer }
        }
        let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] ?? [:]
        if let error = object["error"] as? [String: Any] {
            throw Failure(description: "\(method): \(error["message"] ?? error)")
        }
        return object["result"] as? [String: Any] ?? [:]
    }

    /// A new tab, attached so that commands can be sent to it.
    func newPage() async throws -> BrowserPage {
        let target = try await send("Target.createTarget", ["url": "about:blank"])
        guard let targetId = target["targetId"] as? String else { throw Failure(description: "no target id") }
        let attached = try await send("Target.attachToTarget", ["targetId": targetId, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Failure(description: "no session id") }
        let page = BrowserPage(browser: self, session: session)
        try await page.send("Page.enable")
        try await page.send("Runtime.enable")
        return page
    }

    /// Closes the browser and waits for it to exit.
    func shutdown() async {
        _ = try? await send("Browser.close", timeout: .seconds(10))
        lock.withLock { closed = true }
        close(commands)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: profile)
    }

    private func resume(_ id: Int, with result: Result<Data, any Error>) {
        let (continuation, timer) = lock.withLock { (pending.removeValue(forKey: id), timers.removeValue(forKey: id)) }
        timer?.cancel()
        continuation?.resume(with: result)
    }

    private func readLoop() {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(answers, &chunk, chunk.count)
            if count <= 0 { break }
            buffer.append(contentsOf: chunk[0..<count])
            while let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[(end + 1)...])
                if let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any], let id = object["id"] as? Int {
                    resume(id, with: .success(Data(message)))
                }
            }
        }
        close(answers)
        let waiting = lock.withLock {
            closed = true
            defer {
                pending.removeAll()
                timers.values.forEach { $0.cancel() }
                timers.removeAll()
            }
            return pending
        }
        for continuation in waiting.values { continuation.resume(throwing: Failure(description: "the browser closed its pipe")) }
    }
}

/// One tab of ``Chromium``.
struct BrowserPage: Sendable {
    let browser: Chromium
    let session: String

    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        try await browser.send(method, params, session: session)
    }

    /// Evaluates `expression` in the page and returns its value as JSON allows (strings, numbers, arrays, objects).
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Chromium.Failure(description: "\(expression): \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    func text(_ selector: String) async throws -> String? {
        try await evaluate("document.querySelector(\(Self.quoted(selector)))?.textContent.trim() ?? null") as? String
    }

    /// Loads `url` and waits until the document has loaded.
    func navigate(_ url: String) async throws {
        try await markDocument()
        try await send("Page.navigate", ["url": url])
        try await waitForNewDocument()
    }

    /// Runs `action` (a click, a form submit) and waits for the page it leads to.
    func submitting(_ action: String) async throws {
        try await markDocument()
        _ = try await evaluate(action)
        try await waitForNewDocument()
    }

    /// Sets the files of a file input, as a person choosing them would.
    func setFiles(_ selector: String, _ paths: [String]) async throws {
        let document = try await send("DOM.getDocument")
        guard let root = (document["root"] as? [String: Any])?["nodeId"] as? Int else { throw Chromium.Failure(description: "no document") }
        let found = try await send("DOM.querySelector", ["nodeId": root, "selector": selector])
        guard let node = found["nodeId"] as? Int, node != 0 else { throw Chromium.Failure(description: "no \(selector)") }
        try await send("DOM.setFileInputFiles", ["nodeId": node, "files": paths])
    }

    /// A property only the current document has: a new document (navigation finished) lacks it.
    private func markDocument() async throws {
        _ = try await evaluate("window.__consoleTestMark = true")
    }

    private func waitForNewDocument() async throws {
        for _ in 0..<400 {
            let state = try? await evaluate("window.__consoleTestMark === undefined && document.readyState === 'complete'")
            if state as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Chromium.Failure(description: "the page did not load within 20 s")
    }

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
    }
}
