import ExchangeStandard
import Foundation
import ReceiverStandIns
import Testing

@testable import Delivery

/// The worker against the Credit Zhejiang stand-in over loopback.
@Suite("OutboxWorker → Credit Zhejiang")
struct OutboxWorkerPublisherTests {
    static let faults: [(String, [StandInFault])] = [
        ("no fault", []),
        ("500 three times", [.status(500, count: 3)]),
        ("503 with Retry-After", [.status(503, retryAfterSeconds: 1)]),
        ("429 with Retry-After", [.status(429, retryAfterSeconds: 1, count: 2)]),
        ("slow answers past the timeout", [.delay(milliseconds: 1200, count: 2)]),
        ("connections dropped before handling", [.drop(.beforeHandling, count: 2)]),
        ("connections dropped after handling", [.drop(.afterHandling, count: 3)]),
    ]

    /// A: published, corrected, withdrawn. B: 警告 only, never shown. C: published, then corrected to 通报批评 only, so
    /// taken down. D: a company with its legal representative's ID number. E…: plain publications.
    func enqueueScenario(_ harness: WorkerHarness) async {
        await harness.enqueueCredit(TestRecords.credit("A", version: 1))
        await harness.enqueueCredit(TestRecords.credit("A", version: 2))
        await harness.enqueueCredit(TestRecords.credit("A", version: 3), .delete)
        await harness.enqueueCredit(TestRecords.credit("B", version: 1, penalties: "警告"))
        await harness.enqueueCredit(TestRecords.credit("C", version: 1, penalties: "罚款;其他"))
        await harness.enqueueCredit(TestRecords.credit("C", version: 2, penalties: "通报批评"))
        await harness.enqueueCredit(TestRecords.credit("D", version: 1, category: .organization, subjectName: "某某建设有限公司"))
        for index in 0..<10 {
            await harness.enqueueCredit(TestRecords.credit("E\(index)", version: 1))
        }
    }

    func expectScenarioOutcome(_ standIn: CreditZhejiangStandIn, _ harness: WorkerHarness) async throws {
        let state = await standIn.state()
        #expect(state.orderingViolations.isEmpty)
        #expect(state.privacyViolations.isEmpty)
        #expect(await harness.queue.deadReasons.isEmpty)
        let entries = await harness.queue.entries.values
        #expect(entries.allSatisfy { $0.status == .delivered && $0.deliveredMarks == 1 })

        let a = try #require(state.publications["A"])
        #expect(a.history == ["put 1", "put 2", "delete 3"])
        #expect(a.record == nil)
        // B was never shown; its take-down found nothing.
        #expect(state.publications["B"]?.history == [])
        #expect(state.publications["B"]?.record == nil)
        #expect(state.publications["C"]?.history == ["put 1", "delete 2"])
        let d = try #require(state.publications["D"]?.record)
        #expect(d.CF_FR_ZJHM == nil)
        #expect(d.CF_FRDB == "王五")
        for index in 0..<10 {
            let e = try #require(state.publications["E\(index)"])
            #expect(e.history == ["put 1"])
            #expect(e.record?.CF_XDR_ZJHM == TestRecords.maskedPersonalID)
        }
        #expect(Set(state.deletions.map(\.creditRecordId)) == ["A", "C"])
    }

    @Test("every fault kind: Credit Zhejiang ends with exactly what should be public", arguments: faults)
    func faultKinds(name: String, faults: [StandInFault]) async throws {
        let standIn = CreditZhejiangStandIn()
        let harness = WorkerHarness()
        await enqueueScenario(harness)
        try await standIn.withServer { baseURL in
            for fault in faults { await standIn.inject(fault) }
            try await withHTTPClient { client in
                // Below the 1.2 s of the slow-answer faults, with room for a loaded machine's own delays.
                let endpoint = loopbackEndpoint(baseURL, total: .milliseconds(900))
                let worker = harness.worker(.creditZhejiang(PublisherDeliveryProtocol(endpoint: endpoint)), client: client)
                try await harness.runUntilSettled(worker)
            }
            try await expectScenarioOutcome(standIn, harness)
            let applied = await standIn.state().faultsApplied.values.reduce(0, +)
            #expect(applied == faults.reduce(0) { $0 + ($1.count ?? 1) }, "\(name): every injected fault was met")
        }
    }

    @Test("a 400 dead-letters that publication with the publisher's reason; the others go")
    func rejection() async throws {
        let standIn = CreditZhejiangStandIn()
        let harness = WorkerHarness()
        await harness.enqueueCredit(TestRecords.credit("ok", version: 1))
        await harness.enqueueCredit(TestRecords.credit("bad", version: 1, subjectName: "拒绝公示的某人"))
        await harness.enqueueCredit(TestRecords.credit("bad", version: 2))
        try await standIn.withServer { baseURL in
            await standIn.rejectRecords(reason: "CF_XDR_MC 不规范") { $0.CF_XDR_MC.contains("拒绝") }
            try await withHTTPClient { client in
                let worker = harness.worker(
                    .creditZhejiang(PublisherDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))),
                    client: client
                )
                try await harness.runUntilSettled(worker)
            }
            let dead = await harness.queue.deadReasons
            #expect(dead == ["bad v1": "Credit Zhejiang publisher refused the request (400): CF_XDR_MC 不规范"])
            let state = await standIn.state()
            #expect(state.publications["bad"]?.history == ["put 2"])
            #expect(state.publications["ok"]?.history == ["put 1"])
        }
    }

    @Test("requests go out concurrently, up to the configured limit")
    func concurrency() async throws {
        let standIn = CreditZhejiangStandIn()
        let harness = WorkerHarness()
        for index in 0..<8 { await harness.enqueueCredit(TestRecords.credit("P\(index)")) }
        try await standIn.withServer { baseURL in
            await standIn.inject(.delay(milliseconds: 1200, count: 8))
            try await withHTTPClient { client in
                let worker = harness.worker(
                    .creditZhejiang(PublisherDeliveryProtocol(endpoint: loopbackEndpoint(baseURL))),
                    client: client
                )
                let elapsed = try await harness.runUntilSettled(worker)
                // 8 × 1.2 s one by one would take 9.6 s; 4 at a time about 2.4 s. The bound sits below the serial
                // time; what proves concurrency whatever the machine's load is the connections below.
                #expect(elapsed < .milliseconds(9600))
            }
            let state = await standIn.state()
            #expect(state.publications.count == 8)
            // Requests one after another would share one kept-alive connection; concurrent ones need several,
            // and never more than the worker's limit (4).
            #expect(state.connections >= 2 && state.connections <= 4)
        }
    }
}
