import Delivery
import ExchangeStandard
import Foundation
import GatewayServer
import ReceiverStandIns
import Store
import TestSupport
import Testing

/// Three `serve` processes on one PostgreSQL database, ingesting and delivering at once, one of them killed with
/// SIGKILL while it holds delivery leases.
@Suite("Several gateway nodes on one PostgreSQL database", .serialized)
struct MultiNodeTests {
    static let consumerToken = "token-credit-platform"
    static let operatorToken = "token-operator"

    /// The wz-bidding sample as batch `n`: its own batch serial and record ids. With `corrected`, another batch
    /// (serial `MN-C-n`) that raises the unit's fine: version 2 of the penalty's hub record and of the unit's
    /// credit record, which Credit Zhejiang publishes.
    static func batch(_ n: Int, corrected: Bool = false) throws -> Data {
        var text = try String(
            contentsOf: GatewayTestHarness.root.appendingPathComponent("Mappings/tests/wz-bidding/WZJY-20241125-07.xml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "WZJY-20241125-07", with: corrected ? "MN-C-\(n)" : "MN-\(n)")
            .replacingOccurrences(of: "-2024-0", with: "-K\(n)-0")
        if corrected {
            text = text.replacingOccurrences(of: "412,000.00", with: "418,000.00")
        }
        return Data(text.utf8)
    }

    @Test(
        "three nodes, one killed mid-run: every accepted version reaches each receiver once in effect, the feed read concurrently is complete and ordered, resends are recognised on any node"
    )
    func threeNodesOneKilled() async throws {
        let databaseURL = try PostgresTestCluster.started().createDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("multi-node-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let hub = TradingHubStandIn()
        let publisher = CreditZhejiangStandIn()
        // Long hub answers (after applying) keep deliveries in flight while the test spots a node holding them and
        // kills it; under a loaded CI machine the spotting itself can take a second, so the window must be wider than
        // that. Every answer is slow until the kill (then the faults are cleared): with a fixed number of slow
        // answers, a slow machine used them all up before the spotting, and the victim finished its fast deliveries
        // before it died. No shorter fault may come first: faults apply in the order injected, and the first
        // deliveries are the ones spotted (three 1.2 s answers queued first let the victim finish what it was
        // spotted holding before the kill, in three of five clean-clone CI runs). The hub's 503 comes after the kill.
        await hub.inject(.delay(milliseconds: 3000, when: .afterHandling, count: 100_000))
        // Dropped answers and 503s make nodes retry.
        await publisher.inject(.drop(.afterHandling, count: 2))
        await publisher.inject(.status(503, count: 2))

        try await hub.withServer { hubURL in
            try await publisher.withServer { publisherURL in
                let config = directory.appendingPathComponent("gateway.yaml")
                try """
                store: "\(databaseURL)"
                mappingsDirectory: "\(GatewayTestHarness.root.appendingPathComponent("Mappings").path)"
                deliveryLeaseSeconds: 2
                limits: {requestsPerMinutePerSource: 100000, concurrentBatchesPerSource: 16}
                destinations:
                  hub: {baseURL: "\(hubURL)"}
                  publisher: {baseURL: "\(publisherURL)"}
                sources:
                  - {id: "wz-bidding", tokenSHA256: "\(Tokens.sha256Hex("token-wz-bidding"))", domains: ["CONSTRUCTION"]}
                operators:
                  - {name: "ops", tokenSHA256: "\(Tokens.sha256Hex(Self.operatorToken))"}
                consumers:
                  - {name: "credit-platform", tokenSHA256: "\(Tokens.sha256Hex(Self.consumerToken))"}
                """.write(to: config, atomically: true, encoding: .utf8)

                let nodes = try (0..<3).map { index in
                    try GatewayProcess(
                        configFile: config.path, port: GatewayProcess.freePort(),
                        extraArguments: ["--data-dir", directory.appendingPathComponent("node-\(index)").path])
                }
                defer { for node in nodes { node.stop() } }
                for node in nodes { try await node.waitUntilHealthy() }
                let alive = AliveNodes(count: nodes.count)

                // A credit platform reading the feed over HTTP all along, from whichever node answers.
                let readerDone = Flag()
                let reader = Task { () throws -> [String] in
                    var seen: [String] = []
                    var cursor = ""
                    var turn = 0
                    while true {
                        let finished = await readerDone.isSet
                        turn += 1
                        let node = nodes[await alive.pick(turn)]
                        guard
                            let response = try? await node.get("/v1/feeds/credit?limit=3&wait=1&after=\(cursor)", token: Self.consumerToken),
                            response.status == 200
                        else { continue }
                        let page = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
                        let records = page["records"] as? [[String: Any]] ?? []
                        seen += records.map { "\($0["creditRecordId"] as? String ?? "?")#\($0["version"] as? Int ?? 0)" }
                        cursor = try #require(page["next"] as? String)
                        if records.isEmpty && finished { return seen }
                    }
                }

                // Senders: batch n goes to one node, its correction (once the first is acknowledged) to the next. A
                // post without an answer (the victim died) is resent to another node, as a department would. They
                // pause between batches, so that ingest is still going on when a node is killed.
                let ledger = Ledger()
                let batches = 18
                let senders = (0..<3).map { sender in
                    Task {
                        for n in stride(from: sender, to: batches, by: 3) {
                            for (offset, corrected) in [(0, false), (1, true)] {
                                try await Task.sleep(for: .milliseconds(600))
                                let body = try Self.batch(n, corrected: corrected)
                                var attempt = 0
                                while attempt < 100 {
                                    let node = await alive.pick(n + offset + attempt)
                                    attempt += 1
                                    guard let response = try? await nodes[node].post(body, token: "token-wz-bidding") else {
                                        try await Task.sleep(for: .milliseconds(50))
                                        continue
                                    }
                                    #expect(response.status == 201 || response.status == 200, "batch \(n) answered \(response.status)")
                                    if response.status == 201 || response.status == 200 {
                                        await ledger.acknowledge(
                                            key: "\(n)\(corrected ? "C" : "")", node: node, status: response.status, body: response.body)
                                        break
                                    }
                                }
                            }
                        }
                    }
                }

                // Kill a node while it holds hub deliveries whose answers are still on their way: the first node seen
                // holding a lease (lease owners are `host-pid`).
                let observer = try await StoreLocation(parsing: databaseURL).open()
                var victim: Int?
                var victimHeld: [OutboxEntry] = []
                for _ in 0..<400 where victim == nil {
                    if try await observer.outboxStatistics(now: Date()).contains(where: { $0.destination == .hub && $0.inflight > 0 }) {
                        // The newest batches first, and only they: their deliveries are the ones first claimed just
                        // now. Reading every batch in turn took seconds on a loaded machine (the whole suite beside
                        // it), by which time no claim was fresh any more, and no node was ever spotted.
                        for batchId in await ledger.newestBatchIds(3) where victim == nil {
                            // Only first claims made within the last second: their one request is answered two
                            // seconds or more from now (leases last 2 s, every answer takes 3 s until the kill), so
                            // the victim cannot finish them between being spotted and being killed, however slowly
                            // this loaded machine gets there. A re-claim of an expired lease (by the same node, too)
                            // may have an earlier request whose answer lands in that gap.
                            let fresh = Date().addingTimeInterval(1)
                            let inflight = (try await observer.batch(id: batchId)?.hubVersions ?? []).flatMap(\.deliveries).filter {
                                $0.state == .inflight && $0.attempts == 1 && ($0.leaseExpiresAt ?? .distantPast) > fresh
                            }
                            for entry in inflight {
                                if let node = nodes.indices.first(where: {
                                    (entry.leaseOwner ?? "").hasSuffix("-\(nodes[$0].process.processIdentifier)")
                                }) {
                                    victim = node
                                    // What it holds, taken the moment it is spotted and right before the kill: read
                                    // after the kill, the survivors may already have taken it over (2 s leases).
                                    let owner = "-\(nodes[node].process.processIdentifier)"
                                    victimHeld = inflight.filter { ($0.leaseOwner ?? "").hasSuffix(owner) }
                                    break
                                }
                            }
                        }
                    }
                    if victim == nil { try await Task.sleep(for: .milliseconds(25)) }
                }
                let victimNode = try #require(victim, "no node was seen holding hub deliveries")
                let victimOwner = "-\(nodes[victimNode].process.processIdentifier)"
                await alive.kill(victimNode)
                nodes[victimNode].kill()
                await hub.clearFaults()
                await hub.inject(.status(503, retryAfterSeconds: 1, count: 1))
                let acknowledgedAtKill = await ledger.receipts.count
                // Of what it held when spotted, what it had not finished when it died: all but what it marked delivered
                // itself between spotting and the kill. Read once it is dead, when nothing changes its own entries any
                // more; one a survivor already took over was held at death all the same.
                var heldAtDeath: [OutboxEntry] = []
                for entry in victimHeld {
                    let current = try await observer.batch(id: try #require(entry.batchId))?.hubVersions.flatMap(\.deliveries).first {
                        $0.id == entry.id
                    }
                    if let current, current.state == .delivered, (current.leaseOwner ?? "").hasSuffix(victimOwner) { continue }
                    heldAtDeath.append(entry)
                }
                #expect(!heldAtDeath.isEmpty, "the killed node held hub deliveries when it died")
                #expect(acknowledgedAtKill < 2 * batches, "the node was killed while batches were still being posted")

                for sender in senders { try await sender.value }
                let acknowledged = await ledger.receipts
                #expect(acknowledged.count == 2 * batches)

                // What the receipts accepted: the highest version of every hub and credit record.
                var hubExpected: [String: Int] = [:]
                var creditExpected: [String: Int] = [:]
                var creditCommitted = Set<String>()
                for receipt in acknowledged.values {
                    let json = try #require(try JSONSerialization.jsonObject(with: receipt.body) as? [String: Any])
                    for record in json["accepted"] as? [[String: Any]] ?? [] {
                        let id = try #require(record["recordId"] as? String)
                        hubExpected[id] = max(hubExpected[id] ?? 0, try #require(record["version"] as? Int))
                        for credit in record["credits"] as? [[String: Any]] ?? [] {
                            let creditId = try #require(credit["creditRecordId"] as? String)
                            let version = try #require(credit["version"] as? Int)
                            creditExpected[creditId] = max(creditExpected[creditId] ?? 0, version)
                            creditCommitted.insert("\(creditId)#\(version)")
                        }
                    }
                }
                #expect(hubExpected.count == 3 * batches && hubExpected.values.filter { $0 == 2 }.count == batches)
                #expect(creditExpected.count == 2 * batches && creditExpected.values.filter { $0 == 2 }.count == batches)

                // The survivors deliver everything, the victim's leases included once they expire: wait until the
                // receivers hold what was accepted and nothing is left pending or in flight. Up to three minutes: alone
                // this takes seconds, but a clean-clone CI run with a release build beside it once took the whole
                // test 99 s and left one hub version undelivered at 60 s.
                for _ in 0..<1800 {
                    let held = await hub.state().records.mapValues(\.version)
                    let published = await publisher.state().publications.mapValues(\.version)
                    let open = try await observer.outboxStatistics(now: Date()).reduce(0) { $0 + $1.pending + $1.inflight }
                    if held == hubExpected && published == creditExpected && open == 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let hubState = await hub.state()
                #expect(hubState.records.mapValues(\.version) == hubExpected)
                #expect(hubState.orderingViolations.isEmpty)
                #expect(hubState.faultsApplied["status"] == 1, "a survivor was answered 503 once and retried")
                for (id, held) in hubState.records {
                    #expect(held.appliedVersions == Array(1...held.version), "hub record \(id) applied \(held.appliedVersions)")
                }
                let publisherState = await publisher.state()
                #expect(publisherState.publications.mapValues(\.version) == creditExpected)
                #expect(publisherState.orderingViolations.isEmpty && publisherState.privacyViolations.isEmpty)
                for (id, publication) in publisherState.publications {
                    #expect(publication.record != nil)
                    #expect(publication.history == (1...publication.version).map { "put \($0)" }, "publication \(id): \(publication.history)")
                }
                // The victim's claims were taken over by a survivor and delivered.
                for entry in heldAtDeath {
                    let after = try await observer.batch(id: try #require(entry.batchId))
                    let delivery = try #require(after?.hubVersions.flatMap(\.deliveries).first { $0.id == entry.id })
                    #expect(delivery.state == .delivered && !(delivery.leaseOwner ?? "").hasSuffix(victimOwner) && delivery.attempts >= 2)
                }

                // The feed, read while all this happened: every committed credit version once, in feed order.
                await readerDone.set()
                let seen = try await reader.value
                #expect(Set(seen).count == seen.count, "the feed reader got no version twice")
                #expect(Set(seen) == creditCommitted, "the feed reader got exactly the committed credit versions")
                let full = try await observer.creditFeed(after: nil, limit: 1000).records.map { "\($0.creditRecordId)#\($0.version)" }
                #expect(seen == full, "the feed reader's order is the feed's order")
                for id in creditExpected.keys {
                    #expect(seen.filter { $0.hasPrefix(id + "#") } == (1...creditExpected[id]!).map { "\(id)#\($0)" })
                }

                // A batch resent to a node other than the one that took it is recognised: 200 and the first receipt.
                let first = try #require(acknowledged["0"])
                let other = try #require(await alive.nodes.first { $0 != first.node })
                let resent = try await nodes[other].post(try Self.batch(0), token: "token-wz-bidding")
                #expect(resent.status == 200)
                #expect(resent.body == first.body)

                let audit = try await observer.verifyAuditChain(rehashBodies: true)
                #expect(audit.isIntact && audit.linksChecked == 2 * batches)
                await observer.close()
            }
        }
    }

    /// Which nodes are up, for senders and the reader to spread requests over.
    actor AliveNodes {
        private var alive: [Int]

        init(count: Int) { alive = Array(0..<count) }

        func pick(_ turn: Int) -> Int { alive[turn % alive.count] }
        var nodes: [Int] { alive }
        func kill(_ node: Int) { alive.removeAll { $0 == node } }
    }

    /// The answers the senders got, by batch.
    actor Ledger {
        struct Receipt {
            var node: Int
            var status: Int
            var body: Data
            var batchId: String
        }

        private(set) var receipts: [String: Receipt] = [:]
        /// Batch ids in the order they were first acknowledged.
        private var acknowledgedOrder: [String] = []

        func acknowledge(key: String, node: Int, status: Int, body: Data) {
            let batchId = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["batchId"] as? String ?? ""
            // The first answer stands: a later resend's answer is the same receipt anyway.
            if receipts[key] == nil {
                receipts[key] = Receipt(node: node, status: status, body: body, batchId: batchId)
                acknowledgedOrder.append(batchId)
            }
        }

        /// The `count` batches acknowledged last, newest first.
        func newestBatchIds(_ count: Int) -> [String] { Array(acknowledgedOrder.suffix(count).reversed()) }
    }

    /// A one-way flag.
    actor Flag {
        private(set) var isSet = false
        func set() { isSet = true }
    }
}
