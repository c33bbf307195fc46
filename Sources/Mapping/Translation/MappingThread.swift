import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own that runs the work handed to it in order, at a lower scheduling priority than the
/// thread that parses the batch.
///
/// One thread parses a batch and several map its records. At equal priority the scheduler shares the cores
/// fairly among all of them, so on two cores the parsing thread got two thirds of one while it needed most
/// of one: it fell behind, the mapping threads ran out of work and waited to be woken, and each core sat
/// idle about 11 % of a 150,000-record `translate` (`perf sched`). Mapping threads niced by
/// ``niceIncrement`` leave the parsing thread a whole core whenever it is runnable and take the rest, so
/// they nearly always have work queued: the idle share fell to 2–8 % and `translate` went from 1.97× to
/// 1.70× xmllint's wall time (medians of 10 interleaved rounds, with four groups in flight per worker).
///
/// A dispatch queue cannot do this: its work runs on shared pool threads, and a nice value set on one stays
/// with the thread for whatever runs there next (an unprivileged process cannot raise it back). For the same
/// reason a niced thread must not hand work to the dispatch pool: libdispatch on Linux starts a pool thread from
/// the thread that queues the work, and a new thread inherits its creator's nice value. So only workers whose
/// caller blocks while they map (`translate`) are niced; the gateway's ingest, resumed through the pool when a
/// group is done, keeps its workers at the process's priority.
final class MappingThread: @unchecked Sendable {
    /// Added to the process's nice value on the mapping thread (capped at 19, the lowest priority).
    /// 5 in theory gives the parsing thread a whole core against two or four workers; 10 measured a little
    /// less idle time than 5 on two cores.
    static let niceIncrement: Int32 = 10

    private let condition = NSCondition()
    /// Queued and not yet started, oldest first. Guarded by `condition`.
    private var pending: [@Sendable () -> Void] = []
    /// Set by ``close()``: the thread ends once `pending` is empty. Guarded by `condition`.
    private var closed = false

    /// `name` is what `top -H` and `perf` show: Linux keeps at most 15 bytes of it. With `lowersPriority`, the
    /// thread adds ``niceIncrement`` to its nice value before it runs any work.
    init(name: String, lowersPriority: Bool = true) {
        // The thread holds the object until it ends, which `close()` allows.
        let thread = Thread { [self] in
            Self.nameCurrentThread(name)
            if lowersPriority { Self.lowerPriority() }
            run()
        }
        thread.start()
    }

    /// Queues `work` to run after everything queued before it.
    func async(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        pending.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the work already queued has run.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var batch: [@Sendable () -> Void] = []
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                return
            }
            // Everything queued so far is taken at once: one lock per wake-up, not per group.
            swap(&batch, &pending)
            condition.unlock()
            for work in batch { work() }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Names the calling thread for the system. On Linux through `/proc/thread-self/comm`: Foundation's
    /// `Thread.name` reaches the system only once `start()` has recorded the thread, which the new thread may
    /// run ahead of (one of two mapping threads kept its creator's name in a run).
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        Glibc.close(descriptor)
        #else
        Thread.current.name = name
        #endif
    }

    /// Lowers the calling thread's priority. Linux keeps a nice value per thread; elsewhere the same call
    /// would renice the whole process, so the thread is left as it is.
    private static func lowerPriority() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let current = getpriority(which, 0)
        guard errno == 0 else { return }
        _ = setpriority(which, 0, min(current + niceIncrement, 19))
        #endif
    }
}
