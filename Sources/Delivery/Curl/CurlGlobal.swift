import CCurl

/// `curl_global_init` exactly once per process, before the first handle is made.
///
/// A global `let` is initialised lazily and thread-safely by the Swift runtime, which is the once-only guarantee
/// `curl_global_init` needs (it is not thread-safe itself).
enum CurlGlobal {
    private static let initialised: Bool = ccurl_global_init_default() == CURLE_OK

    /// Runs `curl_global_init` on first use; false when it failed (then no transfer can work).
    static func ensureInitialised() -> Bool {
        initialised
    }

    /// libcurl's version, for logs.
    static var version: String {
        guard let text = curl_version() else { return "unknown" }
        return String(cString: text)
    }
}
