import Testing

@testable import Mapping

/// The next group goes to the worker with the fewest unfinished groups, so that no worker idles while another
/// has a queue.
@Suite("mapping workers: the next group goes to the least busy one")
struct MappingWorkerLoadTests {
    @Test("the fewest unfinished groups win, the lowest index among equals; a finished group counts no more")
    func leastBusy() {
        let load = MappingPipeline.WorkerLoad(workers: 3)
        #expect([load.takeLeastBusy(), load.takeLeastBusy(), load.takeLeastBusy()] == [0, 1, 2])
        #expect(load.takeLeastBusy() == 0)  // all at one: the lowest index
        load.finished(1)
        #expect(load.takeLeastBusy() == 1)
        load.finished(2)
        load.finished(0)
        load.finished(0)
        // Unfinished now: 0 → 0, 1 → 1, 2 → 0.
        #expect(load.takeLeastBusy() == 0)
        #expect(load.takeLeastBusy() == 2)
        #expect(load.takeLeastBusy() == 0)
    }

    @Test("one worker takes everything")
    func single() {
        let load = MappingPipeline.WorkerLoad(workers: 1)
        #expect((0..<5).map { _ in load.takeLeastBusy() } == [0, 0, 0, 0, 0])
    }
}
