import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

/// Several gateway nodes on one store: separate store instances on the same data, committing, claiming and reading
/// at once. On PostgreSQL these are separate connection pools, as separate processes would have; on SQLite,
/// separate connection pools on the same file (the file lock serializes them).
@Suite("Several nodes on one store")
struct MultiNodeStoreTests {
    let t0 = Fixture.t0

    @Test(arguments: StoreBackend.allCases)
    func aResendArrivingAtTwoNodesAtOnceIsStoredOnce(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let other = try await temporary.openAnotherNode()
        let nodes = [temporary.store, other]
        let batch = TestBatch(number: "20241008-900", records: [Fixture.draft("CG-0900", subjects: ["杭州某某科技有限公司"])])
        let submissions = try (0..<8).map { _ in try batch.submission(spoolingIn: temporary) }
        let outcomes = try await withThrowingTaskGroup(of: BatchCommitOutcome.self) { group in
            for (index, submission) in submissions.enumerated() {
                let node = nodes[index % nodes.count]
                group.addTask { try await node.commitBatch(submission) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let committed = outcomes.compactMap { if case .committed(let receipt) = $0 { receipt } else { nil } }
        let duplicates = outcomes.compactMap { if case .duplicate(let receipt) = $0 { receipt } else { nil } }
        #expect(committed.count == 1)
        #expect(duplicates.count == 7)
        #expect(duplicates.allSatisfy { $0.json == committed.first?.json })
        #expect(try await temporary.count("batch") == 1)
        #expect(try await temporary.count("hub_record_version") == 1)
        #expect(try await temporary.count("audit_link") == 1)
        await other.close()
    }

    @Test(arguments: StoreBackend.allCases)
    func twoNodesCorrectingOneRecordMakeEveryVersionOnce(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let other = try await temporary.openAnotherNode()
        let nodes = [temporary.store, other]
        let perNode = 12
        // Every batch corrects the same record with content of its own: each commit must take the next version.
        let versions = try await withThrowingTaskGroup(of: [Int].self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    var made: [Int] = []
                    for n in 0..<perNode {
                        let draft = Fixture.draft("CG-0901", title: "更正公告 \(index)-\(n)", subjects: ["甲公司"], fine: "\(index).\(n + 1)")
                        let receipt = try await temporary.commit(TestBatch(number: "N\(index)-\(n)", records: [draft]), on: node)
                        let accepted = try #require(receipt.accepted.first)
                        #expect(accepted.action == (accepted.version == 1 ? .publish : .correct))
                        #expect(accepted.credits.map(\.version) == [accepted.version])
                        made.append(accepted.version)
                    }
                    return made
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(versions.sorted() == Array(1...(2 * perNode)))
        let history = try await temporary.store.recordHistory(recordId: Fixture.recordId(system: "zjzfcg", sourceRecordId: "CG-0901"))
        #expect(history.map(\.provenance.version) == Array(1...(2 * perNode)))
        // The feed lists the credit record's versions in the order they were made.
        let creditId = Fixture.creditRecordId(system: "zjzfcg", sourceRecordId: "CG-0901", subject: "甲公司")
        let feed = try await other.creditFeed(after: nil, limit: 1000).records.filter { $0.creditRecordId == creditId }
        #expect(feed.map(\.version) == Array(1...(2 * perNode)))
        #expect(try await temporary.store.verifyAuditChain().linksChecked == 2 * perNode)
        await other.close()
    }

    @Test(arguments: StoreBackend.allCases)
    func aReaderOnAThirdNodePagesEverythingTwoNodesCommitOnceInOrder(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let writerNodes = [temporary.store, try await temporary.openAnotherNode()]
        let reader = try await temporary.openAnotherNode()
        let batchesPerWriter = 15
        let done = Flag()

        async let reading: [String] = {
            var seen: [String] = []
            var cursor: FeedCursor? = nil
            while true {
                let finished = await done.isSet
                let page = try await reader.creditFeed(after: cursor, limit: 2)
                seen += page.records.map { "\($0.creditRecordId)#\($0.version)" }
                cursor = page.next
                if page.entries.isEmpty {
                    // Everything committed before `finished` was read is in the snapshot that came back empty.
                    if finished { return seen }
                    _ = try await reader.waitForCreditCommit(after: cursor, timeout: .milliseconds(50))
                }
            }
        }()

        let committedByWriter = try await withThrowingTaskGroup(of: [String].self) { group in
            for (writer, node) in writerNodes.enumerated() {
                for lane in 0..<2 {
                    group.addTask {
                        var committed: [String] = []
                        for index in 0..<batchesPerWriter {
                            let id = "M\(writer)-\(lane)-\(index)"
                            var records = [Fixture.draft(id, subjects: (0...(index % 3)).map { "主体\($0)" })]
                            if index % 3 == 2 {
                                // Corrections of this lane's earlier records, and of the other node's: versions of one
                                // record made on different nodes.
                                records.append(Fixture.draft("M\(writer)-\(lane)-\(index - 2)", subjects: ["主体0"], fine: "9.\(index)"))
                            }
                            let receipt = try await temporary.commit(TestBatch(number: id, records: records), on: node)
                            committed += receipt.accepted.flatMap { accepted in
                                accepted.credits.filter { $0.action != .unchanged }.map { "\($0.creditRecordId)#\($0.version)" }
                            }
                        }
                        return committed
                    }
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        await done.set()
        let seen = try await reading

        let committed = committedByWriter.flatMap { $0 }
        #expect(Set(seen).count == seen.count, "no version is read twice")
        #expect(Set(seen) == Set(committed), "exactly the committed versions are read")
        let full = try await reader.creditFeed(after: nil, limit: 10_000).records.map { "\($0.creditRecordId)#\($0.version)" }
        #expect(seen == full, "the reader's order is the feed's order")
        for own in committedByWriter {
            let ownSet = Set(own)
            #expect(seen.filter { ownSet.contains($0) } == own, "each writer's versions appear in the order it committed them")
        }
        #expect(try await reader.verifyAuditChain().isIntact)
        for node in writerNodes { await node.close() }
        await reader.close()
    }

    @Test(arguments: StoreBackend.allCases)
    func twoNodesClaimDisjointEntriesAndKeepEachRecordsOrder(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend)
        let other = try await temporary.openAnotherNode()
        // 30 records, 10 of them corrected once: 40 hub entries, of which 10 must wait for their record's first.
        try await temporary.commit(TestBatch(number: "001", records: (0..<30).map { Fixture.draft(String(format: "CG-09%02d", $0)) }))
        try await temporary.commit(
            TestBatch(number: "002", records: (0..<10).map { Fixture.draft(String(format: "CG-09%02d", $0), title: "更正公告") }), on: other)
        let t0 = self.t0
        let log = EventLog()
        let claims = try await withThrowingTaskGroup(of: [OutboxEntry].self) { group in
            for (index, node) in [temporary.store, other, temporary.store, other].enumerated() {
                group.addTask {
                    var mine: [OutboxEntry] = []
                    var idle = 0
                    while idle < 3 {
                        let claimed = try await node.claimOutbox(destination: .hub, limit: 3, owner: "node-\(index)", leaseSeconds: 60, now: t0)
                        if claimed.isEmpty {
                            idle += 1
                            try await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        idle = 0
                        mine += claimed.map(\.entry)
                        await log.add(claimed.map { "claim \($0.entry.recordId) v\($0.entry.version)" })
                        // Logged before it is marked: a later version can only be claimed after this entry is.
                        await log.add(claimed.map { "delivered \($0.entry.recordId) v\($0.entry.version)" })
                        let ids = claimed.map(\.entry.id)
                        #expect(try await node.markDelivered(ids: ids, owner: "node-\(index)", now: t0) == ids)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [OutboxEntry]()) { $0 += $1 }
        }
        #expect(claims.count == 40)
        #expect(Set(claims.map(\.id)).count == 40, "no entry is claimed twice")
        let events = await log.events
        for corrected in claims where corrected.version == 2 {
            let claimedAt = try #require(events.firstIndex(of: "claim \(corrected.recordId) v2"))
            let firstDeliveredAt = try #require(events.firstIndex(of: "delivered \(corrected.recordId) v1"))
            #expect(firstDeliveredAt < claimedAt, "version 2 of \(corrected.recordId) was claimed before version 1 was delivered")
        }
        let entries = try await temporary.outbox()
        #expect(entries.allSatisfy { $0.state == .delivered && $0.attempts == 1 })
        await other.close()
    }

    /// SQLite sees other processes' commits only by polling; PostgreSQL tells every node with NOTIFY.
    @Test func aCommitOnOneNodeWakesALongPollOnAnotherThroughNotify() async throws {
        let temporary = try await TemporaryStore(.postgres, feedPollInterval: .seconds(60))
        let waiting = try await temporary.openAnotherNode()
        let head = try await waiting.creditFeed(after: nil, limit: 10).next
        let clock = ContinuousClock()
        // The listener connects in the background: give it a moment so the first notification is not the one missed.
        try await Task.sleep(for: .milliseconds(300))
        let waiter = Task { try await waiting.waitForCreditCommit(after: head, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        let committedAt = clock.now
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0950", subjects: ["乙公司"])]))
        #expect(try await waiter.value)
        #expect(clock.now - committedAt < .seconds(5), "woken by the other node's NOTIFY, not by the 60-second poll")
        await waiting.close()
    }
}

/// Events from several tasks, in the order they happened.
actor EventLog {
    private(set) var events: [String] = []
    func add(_ new: [String]) { events += new }
}
