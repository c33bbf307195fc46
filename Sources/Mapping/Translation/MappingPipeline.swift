import Dispatch
import ExchangeStandard
import Foundation
import XMLStream

/// Maps streamed records on worker threads while the caller goes on parsing, handing the outcomes back
/// in document order.
///
/// Mapping a record costs several times what parsing it does, so a batch read on one thread leaves
/// the other cores idle; `translate` of a large batch runs parsing on the caller's thread and mapping on
/// these workers. Records are handed over in the groups one `feed` call completes, each to the worker with the
/// fewest unfinished groups. A blocking caller waits only while every worker has ``maxUnfinishedPerWorker``
/// groups to go, or while ``maxUncollectedPerWorker`` groups per worker are mapped but not yet handed back, so
/// memory stays bounded whatever the batch size.
///
/// Waiting instead for the oldest group whenever two per worker were in flight left a core idle: the caller
/// stopped parsing while the other worker ran out of work (`perf sched`: the parsing thread asleep for 720 ms
/// of a 2 s run, a core idle 12 % of it).
///
/// Used by one thread or one task at a time (the batch's); each worker keeps its own workspace on its own
/// thread (a ``MappingThread``).
final class MappingPipeline {
    /// One mapping thread and what it keeps between groups.
    private final class Worker: @unchecked Sendable {
        let thread: MappingThread
        /// Touched only on `thread`.
        var workspace = MappingWorkspace()

        init(index: Int, lowPriority: Bool) {
            thread = MappingThread(name: "gw-mapping-\(index)", lowersPriority: lowPriority)
        }
    }

    /// How many groups each worker has queued and not finished: raised by the caller, lowered by the worker.
    final class WorkerLoad: @unchecked Sendable {
        private let lock = NSLock()
        private var unfinished: [Int]

        init(workers: Int) { unfinished = Array(repeating: 0, count: workers) }

        /// The worker with the fewest unfinished groups (the lowest index among equals), counted as one more.
        func takeLeastBusy() -> Int {
            lock.withLock {
                let index = unfinished.indices.min { unfinished[$0] < unfinished[$1] } ?? 0
                unfinished[index] += 1
                return index
            }
        }

        func finished(_ index: Int) {
            lock.withLock { unfinished[index] -= 1 }
        }
    }

    /// Groups per worker mapped or being mapped before a blocking caller waits for the oldest to be handed back.
    static let maxUncollectedPerWorker = 8
    /// Groups per worker queued or being mapped before a blocking caller waits for any of them to finish.
    /// Four rather than two: a worker then seldom runs out of work while the parsing thread is not running
    /// (0.98 of the wall time with niced workers over 10 interleaved rounds; peak RSS 50 MiB instead of 47
    /// for 150,000 records in make bench).
    static let maxUnfinishedPerWorker = 4

    /// A group's outcomes (or their rendering), written on a worker and read once its `done` group has been waited for.
    final class Job: @unchecked Sendable {
        let done = DispatchGroup()
        var outcomes: [RecordOutcome] = []
        var rendered: [UInt8] = []
    }

    /// Whether the workers run below the caller's priority.
    let lowPriority: Bool
    private let mapper: RecordMapper
    /// Writes each outcome's bytes on the worker that mapped it, right after mapping it: outcomes are then allocated
    /// and freed on one thread (handing them to the caller's thread doubled the share of malloc and free in a threaded
    /// `translate`), and each is written while what it is made of is still in the core's cache, not after the rest
    /// of its group (make bench-profile).
    private let render: OutcomeRenderer?
    private let workers: [Worker]
    private let load: WorkerLoad
    /// One signal per unfinished group a blocking caller may queue; each such group signals when it is done.
    private let unfinishedSlots: DispatchSemaphore
    /// Submitted and not yet handed back, oldest first.
    private var inFlight: [Job] = []

    /// - Parameter lowPriority: whether the workers run below the caller (``MappingThread``); only for a caller
    ///   that blocks while they work, so that nothing on a worker hands work to the dispatch pool.
    init(mapper: RecordMapper, threads: Int, render: OutcomeRenderer? = nil, lowPriority: Bool = true) {
        self.lowPriority = lowPriority
        self.mapper = mapper
        self.render = render
        self.workers = (0..<max(threads, 1)).map { Worker(index: $0, lowPriority: lowPriority) }
        self.load = WorkerLoad(workers: workers.count)
        self.unfinishedSlots = DispatchSemaphore(value: Self.maxUnfinishedPerWorker * workers.count)
    }

    /// The threads end once the groups queued on them are mapped.
    deinit {
        for worker in workers { worker.thread.close() }
    }

    /// Queues a group of records for mapping and returns the outcomes of earlier groups that are done.
    /// With `blocking`, waits while every worker has ``maxUnfinishedPerWorker`` groups to go, and for the oldest
    /// while too many are not handed back; without, the caller bounds them with ``awaitBacklog()`` (a task on the
    /// cooperative pool must not block its thread).
    func submit(_ records: [XMLStreamedRecord], context: TranslationContext, tracing: Bool, blocking: Bool = true) -> [RecordOutcome] {
        submitGroup(records, context: context, tracing: tracing, blocking: blocking).flatMap(\.outcomes)
    }

    /// ``submit(_:context:tracing:blocking:)`` for a pipeline with a renderer: the bytes of the groups that are done.
    func submitRendering(_ records: [XMLStreamedRecord], context: TranslationContext, tracing: Bool) -> [UInt8] {
        Self.concatenated(submitGroup(records, context: context, tracing: tracing, blocking: true))
    }

    /// ``drain()`` for a pipeline with a renderer.
    func drainRendering() -> [UInt8] {
        Self.concatenated(drainGroups())
    }

    /// The groups' bytes in order, copied in blocks (a joined sequence is copied byte by byte).
    private static func concatenated(_ jobs: [Job]) -> [UInt8] {
        if jobs.count == 1 { return jobs[0].rendered }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(jobs.reduce(0) { $0 + $1.rendered.count })
        for job in jobs { bytes.append(contentsOf: job.rendered) }
        return bytes
    }

    private func submitGroup(_ records: [XMLStreamedRecord], context: TranslationContext, tracing: Bool, blocking: Bool) -> [Job] {
        if !records.isEmpty {
            let job = Job()
            // A caller that may not block (a task on the cooperative pool) queues without a slot and bounds its
            // groups with `awaitBacklog()`.
            let slots = blocking ? unfinishedSlots : nil
            slots?.wait()
            let workerIndex = load.takeLeastBusy()
            let worker = workers[workerIndex]
            let load = load
            let mapper = mapper
            let render = render
            job.done.enter()
            worker.thread.async {
                // Read in place: iterating, or reading by index, copied each record (retaining its arrays).
                records.withUnsafeBufferPointer { records in
                    func forEachOutcome(_ body: (RecordOutcome) -> Void) {
                        for index in records.indices {
                            if let outcome = mapper.map(records[index], context: context, tracing: tracing, workspace: &worker.workspace) { body(outcome) }
                        }
                    }
                    if let render {
                        job.rendered = OutcomeRendering.bytes(ofGroupOf: records.count, render, forEachOutcome)
                    } else {
                        var outcomes: [RecordOutcome] = []
                        outcomes.reserveCapacity(records.count)
                        forEachOutcome { outcomes.append($0) }
                        job.outcomes = outcomes
                    }
                }
                load.finished(workerIndex)
                job.done.leave()
                slots?.signal()
            }
            inFlight.append(job)
        }
        var ready: [Job] = []
        while let oldest = inFlight.first {
            if blocking && inFlight.count > Self.maxUncollectedPerWorker * workers.count {
                oldest.done.wait()
            } else if oldest.done.wait(timeout: .now()) != .success {
                break
            }
            ready.append(oldest)
            inFlight.removeFirst()
        }
        return ready
    }

    /// Without blocking a thread, waits until at most ``maxUnfinishedPerWorker`` groups per worker are not handed
    /// back, and returns the outcomes of the groups that finished, in order. (Awaiting only the oldest, it cannot
    /// tell finished groups from unfinished ones, so it bounds them all.)
    func awaitBacklog() async -> [RecordOutcome] {
        var ready: [RecordOutcome] = []
        while let oldest = inFlight.first, inFlight.count > Self.maxUnfinishedPerWorker * workers.count {
            await Self.completion(of: oldest)
            ready += oldest.outcomes
            inFlight.removeFirst()
        }
        return ready
    }

    /// Without blocking a thread, waits for every group in flight and returns their outcomes, in order.
    func drainAsync() async -> [RecordOutcome] {
        var ready: [RecordOutcome] = []
        for job in inFlight {
            await Self.completion(of: job)
            ready += job.outcomes
        }
        inFlight = []
        return ready
    }

    private static func completion(of job: Job) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            job.done.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Waits for every group in flight and returns their outcomes, in order.
    func drain() -> [RecordOutcome] {
        drainGroups().flatMap(\.outcomes)
    }

    private func drainGroups() -> [Job] {
        for job in inFlight { job.done.wait() }
        defer { inFlight = [] }
        return inFlight
    }
}
