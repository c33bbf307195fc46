import ExchangeStandard
import Foundation
import TestSupport
import Testing

@testable import Store

@Suite("Credit feed: cursor paging in commit order, long polling")
/// Stores here poll only every 60 seconds, so that only a commit signal (in-process, or PostgreSQL's NOTIFY) can
/// wake a waiter quickly.
struct FeedTests {
    @Test(arguments: StoreBackend.allCases)
    func pagesListEveryVersionOnceInCommitOrder(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend, feedPollInterval: .seconds(60))
        let store = temporary.store
        let first = try await temporary.commit(
            TestBatch(number: "001", records: [Fixture.draft("CG-0400", subjects: ["甲公司", "乙公司"]), Fixture.draft("CG-0401", subjects: ["丙公司"])]))
        let second = try await temporary.commit(
            TestBatch(number: "002", records: [Fixture.draft("CG-0400", subjects: ["甲公司", "乙公司"], fine: "1.2")]))
        let committed = (first.accepted + second.accepted).flatMap { accepted in
            accepted.credits.filter { $0.action != .unchanged }.map { "\($0.creditRecordId)#\($0.version)" }
        }
        #expect(committed.count == 5)

        var seen: [String] = []
        var cursor: FeedCursor? = nil
        var pages = 0
        while true {
            let page = try await store.creditFeed(after: cursor, limit: 2)
            if page.entries.isEmpty {
                #expect(page.next == cursor ?? .start)
                break
            }
            pages += 1
            seen += page.records.map { "\($0.creditRecordId)#\($0.version)" }
            #expect(page.next == page.entries.last?.position)
            cursor = page.next
        }
        #expect(pages == 3)
        #expect(seen == committed)

        // Unmasked, with the real version and action.
        let all = try await store.creditFeed(after: nil, limit: 100)
        #expect(all.records.map(\.action) == [.publish, .publish, .publish, .correct, .correct])
        #expect(all.entries[0].json == Data(try StoreJSON.encode(all.records[0])))
    }

    @Test func cursorsAreOpaqueAndChecked() throws {
        let cursor = FeedCursor(sequence: 12345)
        #expect(try FeedCursor(encoded: cursor.encoded) == cursor)
        #expect(!cursor.encoded.contains("12345"))
        #expect(cursor.encoded.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        for bad in [
            "", "12345", "djE6", "v1:5", "dj I6NQ", Data("v2:5".utf8).base64EncodedString(), Data("v1:-5".utf8).base64EncodedString(),
            Data("v1:05".utf8).base64EncodedString(),
        ] {
            #expect(throws: StoreError.self) { try FeedCursor(encoded: bad) }
            do {
                _ = try FeedCursor(encoded: bad)
            } catch let error as StoreError {
                #expect(error.code == .invalidCursor)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pagingWhileThreeWritersCommitNeverSkipsOrRepeats(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend, feedPollInterval: .seconds(60))
        let store = temporary.store
        let writers = 3
        let batchesPerWriter = 20
        let done = Flag()

        async let reading: (seen: [String], pagesWhileWriting: Int) = {
            var seen: [String] = []
            var pagesWhileWriting = 0
            var cursor: FeedCursor? = nil
            while true {
                let finished = await done.isSet
                let page = try await store.creditFeed(after: cursor, limit: 3)
                seen += page.records.map { "\($0.creditRecordId)#\($0.version)" }
                cursor = page.next
                if !finished && !page.entries.isEmpty { pagesWhileWriting += 1 }
                if page.entries.isEmpty {
                    // Everything committed before `finished` was read is in the snapshot that came back empty.
                    if finished { return (seen, pagesWhileWriting) }
                    _ = try await store.waitForCreditCommit(after: cursor, timeout: .milliseconds(50))
                }
            }
        }()

        let committedByWriter = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var committed: [String] = []
                    for index in 0..<batchesPerWriter {
                        let id = "W\(writer)-\(index)"
                        // One to three subjects, and every third batch corrects an earlier record of this writer.
                        var records = [Fixture.draft(id, subjects: (0...(index % 3)).map { "主体\($0)" })]
                        if index % 3 == 2 {
                            records.append(Fixture.draft("W\(writer)-\(index - 2)", subjects: ["主体0"], fine: "9.\(index)"))
                        }
                        let receipt = try await temporary.commit(TestBatch(number: id, records: records))
                        committed += receipt.accepted.flatMap { accepted in
                            accepted.credits.filter { $0.action != .unchanged }.map { "\($0.creditRecordId)#\($0.version)" }
                        }
                    }
                    return (writer, committed)
                }
            }
            var result: [Int: [String]] = [:]
            for try await (writer, committed) in group { result[writer] = committed }
            return result
        }
        await done.set()
        let (seen, pagesWhileWriting) = try await reading
        #expect(pagesWhileWriting > 0, "the reader paged while the writers were committing")

        let committed = committedByWriter.values.flatMap { $0 }
        #expect(committed.count > writers * batchesPerWriter)
        #expect(Set(seen).count == seen.count, "no version is read twice")
        #expect(Set(seen) == Set(committed), "exactly the committed versions are read")
        // The reader's order is the feed's commit order, and each writer's versions appear in the order it committed.
        let full = try await store.creditFeed(after: nil, limit: 10_000).records.map { "\($0.creditRecordId)#\($0.version)" }
        #expect(seen == full)
        for (_, own) in committedByWriter {
            let ownSet = Set(own)
            #expect(seen.filter { ownSet.contains($0) } == own)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aLongPollWakesOnTheNextCommit(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend, feedPollInterval: .seconds(60))
        let store = temporary.store
        try await temporary.commit(TestBatch(number: "001", records: [Fixture.draft("CG-0410", subjects: ["甲公司"])]))
        let head = try await store.creditFeed(after: nil, limit: 100).next

        // Something newer than the start exists: no waiting.
        #expect(try await store.waitForCreditCommit(after: nil, timeout: .seconds(30)))
        // Nothing newer: times out with false.
        let clock = ContinuousClock()
        let quiet = clock.now
        #expect(try await store.waitForCreditCommit(after: head, timeout: .milliseconds(300)) == false)
        #expect(clock.now - quiet >= .milliseconds(300))

        let waiter = Task { try await store.waitForCreditCommit(after: head, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        let committedAt = clock.now
        try await temporary.commit(TestBatch(number: "002", records: [Fixture.draft("CG-0411", subjects: ["乙公司"])]))
        #expect(try await waiter.value)
        // Woken by the commit, not by the 60-second poll.
        #expect(clock.now - committedAt < .seconds(5))
        #expect(try await store.creditFeed(after: head, limit: 10).records.map(\.CF_XDR_MC) == ["乙公司"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aCancelledLongPollReturnsPromptly(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend, feedPollInterval: .seconds(60))
        let store = temporary.store
        let clock = ContinuousClock()
        let started = clock.now
        let waiter = Task { try await store.waitForCreditCommit(after: nil, timeout: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(clock.now - started < .seconds(30), "cancelled, not waited out: the poll was for 120 s")
    }

    @Test(arguments: StoreBackend.allCases)
    func aLimitBelowOneIsRejected(_ backend: StoreBackend) async throws {
        let temporary = try await TemporaryStore(backend, feedPollInterval: .seconds(60))
        let store = temporary.store
        await #expect {
            try await store.creditFeed(after: nil, limit: 0)
        } throws: { ($0 as? StoreError)?.code == .invalidArgument }
    }
}

/// A one-way flag shared between the writer tasks and the reader.
actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}
