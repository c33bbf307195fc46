import CCurl
import Foundation

/// A `curl_multi` handle driven by one dedicated thread.
///
/// Callers never block: they hand a ``CurlTransfer`` over and are called back when it completes. All easy handles
/// run on the multi handle, whose connection cache keeps connections alive between requests to the same receiver
/// (reuse shows up as `CURLINFO_NUM_CONNECTS == 0`). libcurl's threaded resolver keeps name lookups off this thread.
final class CurlMultiLoop: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var stopping = false
        var stopped = false
        var onStopped: [@Sendable () -> Void] = []
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Locked(Inbox())
    /// Only touched on the loop thread.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    /// - Parameter maxCachedConnections: connections kept alive for reuse (`CURLMOPT_MAXCONNECTS`).
    init(name: String, maxCachedConnections: Int) {
        _ = CurlGlobal.ensureInitialised()
        // curl_multi_init only fails when out of memory.
        multi = curl_multi_init()!
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Starts `transfer`; its completion runs on the loop thread.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !transfer.cancelRequested, !inbox.stopping else { return false }
            inbox.submitted.append(transfer)
            wake(inbox)
            return true
        }
        if !accepted {
            complete(transfer, with: .failure(Self.cancelledError(transfer)))
        }
    }

    /// Aborts `transfer` if it is still running; it then completes with a `.cancelled` error.
    func cancel(_ transfer: CurlTransfer) {
        inbox.withLock { inbox in
            transfer.cancelRequested = true
            inbox.cancelled.append(transfer)
            wake(inbox)
        }
    }

    /// Fails whatever is in flight with `.cancelled`, stops the thread and frees the multi handle, then calls `done`.
    func stop(then done: @escaping @Sendable () -> Void = {}) {
        let alreadyStopped = inbox.withLock { inbox -> Bool in
            inbox.stopping = true
            if !inbox.stopped { inbox.onStopped.append(done) }
            wake(inbox)
            return inbox.stopped
        }
        if alreadyStopped { done() }
    }

    /// Interrupts `curl_multi_poll`. Called under the inbox lock, which the loop also holds while it frees the multi
    /// handle: a wake-up can never reach a freed handle.
    private func wake(_ inbox: Inbox) {
        if !inbox.stopped { curl_multi_wakeup(multi) }
    }

    // MARK: - Loop thread

    private func run() {
        var running: Int32 = 0
        while true {
            let (submitted, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll()
                    inbox.cancelled.removeAll()
                }
                return (inbox.submitted, inbox.cancelled, inbox.stopping)
            }
            for transfer in submitted {
                if curl_multi_add_handle(multi, transfer.handle) == CURLM_OK {
                    active[transfer.handle] = transfer
                } else {
                    complete(transfer, with: .failure(TransportError(kind: .other, message: "curl_multi_add_handle failed", url: transfer.url)))
                }
            }
            for transfer in cancelled where active[transfer.handle] === transfer {
                finish(transfer, with: .failure(Self.cancelledError(transfer)))
            }
            if stopping {
                for transfer in Array(active.values) {
                    finish(transfer, with: .failure(Self.cancelledError(transfer)))
                }
                break
            }

            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let transfer = active[handle]
                else { continue }
                let code = ccurl_msg_result(message)
                finish(transfer, with: transfer.result(for: code))
            }

            // Sleeps until a socket is ready, one of libcurl's timers is due (it shortens the wait itself), or
            // curl_multi_wakeup is called by submit/cancel/stop.
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        let callbacks = inbox.withLock { inbox in
            curl_multi_cleanup(multi)
            inbox.stopped = true
            // Nothing can have been queued since the last drain: submit refuses once `stopping` is set.
            return inbox.onStopped
        }
        for callback in callbacks { callback() }
    }

    /// Detaches a running transfer from the multi handle and completes it.
    private func finish(_ transfer: CurlTransfer, with result: Result<OutboundResponse, TransportError>) {
        curl_multi_remove_handle(multi, transfer.handle)
        active[transfer.handle] = nil
        complete(transfer, with: result)
    }

    private func complete(_ transfer: CurlTransfer, with result: Result<OutboundResponse, TransportError>) {
        let completion = transfer.completion
        transfer.completion = nil
        completion?(result)
    }

    private static func cancelledError(_ transfer: CurlTransfer) -> TransportError {
        TransportError(kind: .cancelled, message: "request cancelled before the receiver answered", url: transfer.url)
    }
}
