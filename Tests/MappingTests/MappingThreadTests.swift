import ExchangeStandard
import Foundation
import Testing

@testable import Mapping

#if canImport(Glibc)
import Glibc
#endif

/// A mapping thread runs its work in order on one thread of its own, below the caller's priority, and ends
/// once it is closed and its work is done.
@Suite("mapping thread: in order, at a lower priority, ended by close")
struct MappingThreadTests {
    /// What the work saw, written on the mapping thread and read after `done` is waited for.
    final class Observations: @unchecked Sendable {
        let lock = NSLock()
        var order: [Int] = []
        var threadNames: Set<String> = []
        var niceValues: Set<Int32> = []
    }

    /// The calling thread's name as the system keeps it.
    static func systemThreadName() -> String {
        #if os(Linux)
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .newlines)
        #else
        return Thread.current.name ?? ""
        #endif
    }

    @Test("work runs in the order it was queued, all of it on the one named thread")
    func order() {
        let thread = MappingThread(name: "gw-mapping-t")
        let seen = Observations()
        let done = DispatchGroup()
        for index in 0..<200 {
            done.enter()
            thread.async {
                seen.lock.withLock {
                    seen.order.append(index)
                    seen.threadNames.insert(Self.systemThreadName())
                }
                done.leave()
            }
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        thread.close()
        #expect(seen.order == Array(0..<200))
        #expect(seen.threadNames == ["gw-mapping-t"])
    }

    #if os(Linux)
    /// The nice values the work queued on `thread` saw; closes the thread.
    static func niceValues(on thread: MappingThread) -> Set<Int32> {
        let seen = Observations()
        let done = DispatchGroup()
        done.enter()
        thread.async {
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            seen.lock.withLock { _ = seen.niceValues.insert(nice) }
            done.leave()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        thread.close()
        return seen.lock.withLock { seen.niceValues }
    }

    @Test("the thread's nice value is the caller's plus the increment (at most 19); the caller's is unchanged")
    func lowerPriority() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let callerNice = getpriority(which, 0)
        let seen = Self.niceValues(on: MappingThread(name: "gw-mapping-t"))
        #expect(seen == [min(callerNice + MappingThread.niceIncrement, 19)])
        #expect(getpriority(which, 0) == callerNice)
    }

    @Test("a thread that does not lower its priority runs at the caller's")
    func samePriority() {
        let callerNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #expect(Self.niceValues(on: MappingThread(name: "gw-mapping-t", lowersPriority: false)) == [callerNice])
    }
    #endif

    /// `translate` blocks while its workers map, and nices them; the gateway's ingest is resumed through the
    /// dispatch pool, so its workers must not be niced (a pool thread they start would inherit the nice value).
    @Test("only a translator that may block lowers its mapping threads' priority, whatever the order of settings")
    func onlyBlockingTranslatorsLowerPriority() throws {
        let mappings = try ProjectFiles.loadMappings()
        let mapper = try #require(mappings.mapper(for: "nb-gpp"))
        let context = TranslationContext(
            sourceSystem: "nb-gpp", batchId: "", receivedAt: "2024-11-22T10:00:00+08:00", receivedOn: LocalDate(year: 2024, month: 11, day: 22)!)
        let blocking = BatchTranslator(mapper: mapper, context: context)
        #expect(blocking.mappingThreadsLowerPriority == nil)
        blocking.mappingThreads = 2
        #expect(blocking.mappingThreadsLowerPriority == true)
        let ingest = BatchTranslator(mapper: mapper, context: context)
        ingest.mappingThreads = 2
        ingest.mayBlock = false
        #expect(ingest.mappingThreadsLowerPriority == false)
        let ingestOtherOrder = BatchTranslator(mapper: mapper, context: context)
        ingestOtherOrder.mayBlock = false
        ingestOtherOrder.mappingThreads = 2
        #expect(ingestOtherOrder.mappingThreadsLowerPriority == false)
    }

    @Test("closed, the thread runs what is queued, then ends and lets go of the object")
    func closeEndsThread() async throws {
        weak var weakThread: MappingThread?
        let seen = Observations()
        do {
            let thread = MappingThread(name: "gw-mapping-t")
            weakThread = thread
            for index in 0..<3 {
                thread.async {
                    usleep(20_000)
                    seen.lock.withLock { seen.order.append(index) }
                }
            }
            thread.close()
        }
        // The thread still holds the object while it has work; once it ends, nothing does.
        var waited = 0
        while weakThread != nil && waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(weakThread == nil)
        #expect(seen.lock.withLock { seen.order } == [0, 1, 2])
    }
}
