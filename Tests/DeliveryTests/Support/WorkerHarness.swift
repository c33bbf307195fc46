import ExchangeStandard
import Foundation
import Logging
import ReceiverStandIns
import Testing

@testable import Delivery

/// A worker over an in-memory outbox, with test-sized timings, collecting its health events.
struct WorkerHarness {
    let queue = InMemoryOutboxQueue()
    let events = Locked<[HealthEvent]>([])

    static func configuration(failureThreshold: Int = 3, batchSize: Int? = nil) -> OutboxWorker.Configuration {
        OutboxWorker.Configuration(
            owner: "test-worker",
            batchSize: batchSize,
            concurrency: 4,
            leaseSeconds: 60,
            idlePollInterval: .milliseconds(20),
            queueErrorPause: .milliseconds(50),
            // 20 attempts: a fault test spends up to five on its faults, and on a loaded CI machine timeouts of its
            // own came on top (8 were used up once: a dead letter where none was expected).
            retry: RetryPolicy(baseDelay: .milliseconds(20), maximumDelay: .milliseconds(200), maximumAttempts: 20, maximumRetryAfter: .seconds(5)),
            health: .init(failureThreshold: failureThreshold, initialPause: .milliseconds(50), maximumPause: .milliseconds(200))
        )
    }

    func worker(
        _ receiver: OutboxWorker.Receiver,
        client: HTTPClient,
        configuration: OutboxWorker.Configuration = Self.configuration()
    ) -> OutboxWorker {
        var logger = Logger(label: "delivery-tests")
        logger.logLevel = .critical
        let events = self.events
        return OutboxWorker(receiver: receiver, queue: queue, client: client, configuration: configuration, logger: logger) { _, event in
            events.withLock { $0.append(event) }
        }
    }

    /// Runs `worker` until every item is delivered or dead (or `timeout` passes), then cancels it and waits for it.
    @discardableResult
    func runUntilSettled(_ worker: OutboxWorker, timeout: Duration = .seconds(30)) async throws -> Duration {
        let started = ContinuousClock.now
        let task = Task { await worker.run() }
        let settled = try await eventually(timeout: timeout) { await queue.isSettled }
        task.cancel()
        await task.value
        #expect(settled, "the outbox did not settle within \(timeout)")
        return ContinuousClock.now - started
    }

    // MARK: - Filling the outbox

    /// Hub records `prefix0…` in versions 1…`versions`, each version queued in order.
    func enqueueHub(records: Int, versions: Int = 1, prefix: String = "hub-", title: (String, Int) -> String? = { _, _ in nil }) async {
        for index in 0..<records {
            let id = "\(prefix)\(index)"
            for version in 1...versions {
                await enqueueHub(TestRecords.hub(id, version: version, title: title(id, version)))
            }
        }
    }

    func enqueueHub(_ record: HubRecord) async {
        await queue.enqueue(.tradingHub, recordId: record.recordId, version: record.version, operation: .upsert, json: TestRecords.json(record))
    }

    func enqueueCredit(_ record: CreditRecord, _ operation: OutboxOperation = .put) async {
        await queue.enqueue(
            .creditZhejiang,
            recordId: record.creditRecordId,
            version: record.version,
            operation: operation,
            json: TestRecords.json(record)
        )
    }

    // MARK: - Checking the outcome

    /// Every delivered item is held by the hub exactly once, versions applied in order; nothing else arrived; no
    /// ordering or privacy violations; dead items are exactly `expectedDead` (by "id vN"), with reasons containing the
    /// given text.
    func expectHubMatchesOutbox(_ hub: TradingHubStandIn, expectedDead: [String: String] = [:]) async {
        let state = await hub.state()
        let entries = await queue.entries.values.filter { $0.item.destination == .tradingHub }
        var delivered: [String: [Int]] = [:]
        for entry in entries.sorted(by: { $0.item.id < $1.item.id }) where entry.status == .delivered {
            delivered[entry.item.recordId, default: []].append(entry.item.version)
            #expect(entry.deliveredMarks == 1)
        }
        #expect(Set(state.records.keys) == Set(delivered.keys))
        for (recordId, versions) in delivered {
            #expect(state.records[recordId]?.appliedVersions == versions, "\(recordId)")
            #expect(state.records[recordId]?.version == versions.max())
        }
        #expect(state.orderingViolations.isEmpty)
        #expect(state.privacyViolations.isEmpty)
        let dead = await queue.deadReasons
        #expect(Set(dead.keys) == Set(expectedDead.keys))
        for (key, text) in expectedDead {
            #expect(dead[key]?.contains(text) == true, "\(key): \(dead[key] ?? "not dead")")
        }
    }
}
