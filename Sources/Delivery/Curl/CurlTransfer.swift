import CCurl
import Foundation

/// One request in flight: a configured curl easy handle plus what its callbacks collect.
///
/// Built on the caller's task, then owned by the ``CurlMultiLoop`` thread until it completes; the only state touched
/// from elsewhere is the cancellation flag, which lives behind the loop's lock.
final class CurlTransfer: @unchecked Sendable {
    typealias Completion = @Sendable (Result<OutboundResponse, TransportError>) -> Void

    let handle: UnsafeMutableRawPointer
    let url: String
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxBodySize: Int

    // Filled by the callbacks on the loop thread.
    private var body = Data()
    private var headers: [HTTPHeader] = []
    private var bodyTooLarge = false

    /// Called exactly once, on the loop thread (or on the submitting thread when cancelled before submission).
    var completion: Completion?
    /// Set under the loop's lock by a cancellation that may race with submission.
    var cancelRequested = false

    /// Configures an easy handle for `request`.
    init(request: OutboundRequest, userAgent: String, maxBodySize: Int) throws(TransportError) {
        guard CurlGlobal.ensureInitialised() else {
            throw TransportError(kind: .other, message: "curl_global_init failed", url: request.url)
        }
        guard let handle = curl_easy_init() else {
            throw TransportError(kind: .other, message: "curl_easy_init failed", url: request.url)
        }
        self.handle = handle
        self.url = request.url
        self.maxBodySize = maxBodySize
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            try configure(for: request, userAgent: userAgent)
        } catch {
            release()
            throw error
        }
    }

    deinit {
        release()
    }

    private var released = false

    private func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    // MARK: - Configuration

    private func configure(for request: OutboundRequest, userAgent: String) throws(TransportError) {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeRawPointer(errorBuffer))
        try set(CURLOPT_USERAGENT, userAgent)
        // Only the protocols the receivers speak; no redirects: a receiver that redirects is misconfigured, and
        // following it could carry personal data somewhere the configuration did not name.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_TCP_KEEPALIVE, 1)

        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.timeouts.connect))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeouts.total))

        try configureTLS(request.tls)

        // An empty CURLOPT_PROXY disables the proxy environment variables: the configuration alone decides.
        try set(CURLOPT_PROXY, request.proxy?.url ?? "")
        if let noProxy = request.proxy?.noProxy {
            try set(CURLOPT_NOPROXY, noProxy)
        }

        try configureMethodAndBody(request)

        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        // curl would otherwise send `Expect: 100-continue` for larger bodies and wait for the interim answer.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        try set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(list))

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        try set(CURLOPT_WRITEDATA, pointer: UnsafeRawPointer(userdata))
        try check(ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        try set(CURLOPT_HEADERDATA, pointer: UnsafeRawPointer(userdata))
    }

    private func configureTLS(_ tls: ReceiverEndpoint.TLS) throws(TransportError) {
        try set(CURLOPT_SSL_VERIFYPEER, tls.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, tls.verifyPeer ? 2 : 0)
        if let path = tls.caBundlePath {
            try set(CURLOPT_CAINFO, path)
        }
        if let path = tls.clientCertificatePath {
            try set(CURLOPT_SSLCERT, path)
            try set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let path = tls.clientKeyPath {
            try set(CURLOPT_SSLKEY, path)
            try set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let password = tls.clientKeyPassword {
            try set(CURLOPT_KEYPASSWD, password)
        }
    }

    private func configureMethodAndBody(_ request: OutboundRequest) throws(TransportError) {
        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        case .put, .patch, .delete:
            if request.body == nil { try set(CURLOPT_HTTPGET, 1) }
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        guard let body = request.body ?? (request.method == .post ? Data() : nil) else { return }
        // COPYPOSTFIELDS copies the bytes into the handle: no lifetime to manage, and curl can rewind and resend them
        // when a kept-alive connection turns out to be dead. The size must be set first for binary-safe copying.
        try check(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        let code = body.withUnsafeBytes { bytes in
            // A non-null pointer even for an empty body, else curl would read the fields with strlen.
            ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
        }
        try check(code)
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_setopt_long(handle, option, value))
    }

    /// String options are copied by libcurl (all but `CURLOPT_POSTFIELDS`), so a temporary C string is enough.
    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(value.withCString { ccurl_setopt_pointer(handle, option, $0) })
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(TransportError) {
        try check(ccurl_setopt_pointer(handle, option, pointer))
    }

    private func check(_ code: CURLcode) throws(TransportError) {
        guard code == CURLE_OK else {
            throw TransportError(
                kind: .other,
                curlCode: Int(code.rawValue),
                message: "cannot configure request: \(CurlErrorClassification.text(of: code))",
                url: url
            )
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks (loop thread)

    fileprivate func receive(body chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard body.count + chunk.count <= maxBodySize else {
            bodyTooLarge = true
            return false
        }
        body.append(chunk)
        return true
    }

    fileprivate func receive(headerLine line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new status line starts a new header block (after `100 Continue`): keep only the final one.
            headers.removeAll()
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name: name, value: value))
        }
    }

    // MARK: - Result (loop thread)

    /// The response or error once libcurl reported the transfer done with `code`.
    func result(for code: CURLcode) -> Result<OutboundResponse, TransportError> {
        guard code == CURLE_OK else {
            if bodyTooLarge {
                return .failure(
                    TransportError(
                        kind: .other,
                        curlCode: Int(code.rawValue),
                        message: "response body larger than \(maxBodySize) bytes",
                        url: url
                    )
                )
            }
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? CurlErrorClassification.text(of: code) : detail
            return .failure(
                TransportError(
                    kind: CurlErrorClassification.kind(of: code, message: message),
                    curlCode: Int(code.rawValue),
                    message: message,
                    url: url
                )
            )
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var connects = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return .success(OutboundResponse(status: status, headers: headers, body: body, newConnections: connects))
    }
}

// C callbacks cannot capture: the transfer travels as the userdata pointer.

private func curlWriteCallback(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let buffer else { return length }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
    // Returning fewer bytes than given makes libcurl abort the transfer with CURLE_WRITE_ERROR.
    return transfer.receive(body: bytes) ? length : 0
}

private func curlHeaderCallback(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let buffer else { return length }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
    // Header bytes are ISO 8859-1 at worst; decoding lossily is fine for the fields the protocols read.
    transfer.receive(headerLine: String(decoding: bytes, as: UTF8.self))
    return length
}
