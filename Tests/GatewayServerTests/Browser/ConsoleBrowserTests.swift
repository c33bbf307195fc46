import Delivery
import Foundation
import GatewayServer
import NIOCore
import ReceiverStandIns
import Store
import Testing

/// The console as an operator uses it: headless Chromium signs in through the form, reads the pages, presses the
/// replay button and submits the preview form, against a gateway served on a loopback port.
@Suite("The console in a real browser (headless Chromium)", .serialized)
struct ConsoleBrowserTests {
    /// Operator API calls over libcurl, to compare what the pages show with what the API reports.
    struct API {
        let base: String
        let client = HTTPClient()

        func get(_ path: String) async throws -> [String: Any] {
            let response = try await client.send(
                OutboundRequest(
                    method: .get, url: base + path, headers: [.init(name: "Authorization", value: "Bearer \(GatewayTestHarness.operatorToken)")]))
            #expect(response.status == 200, "\(path)")
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        }

        func post(_ system: String, _ body: Data) async throws -> [String: Any] {
            let response = try await client.send(
                OutboundRequest(
                    method: .post, url: base + "/v1/batches",
                    headers: [.init(name: "Authorization", value: "Bearer token-\(system)"), .init(name: "Content-Type", value: "application/xml")],
                    body: body))
            #expect(response.status == 201, "\(system): \(String(decoding: response.body, as: UTF8.self))")
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        }
    }

    static func sampleData(_ system: String, _ file: String) throws -> Data {
        Data(try GatewayTestHarness.sample(system, file).readableBytesView)
    }

    @Test(
        "sign in, the dashboard and batch pages show the API's numbers, a hostile title is text, replay from the page replays, the preview shows the sample's records"
    )
    func operatorSession() async throws {
        try #require(Chromium.executable != nil, "headless Chromium is needed: scripts/ensure-deps installs Debian's chromium")
        let harness = try await GatewayTestHarness()
        defer { harness.remove() }
        try await harness.serve { port in
            let api = API(base: "http://127.0.0.1:\(port)")
            // A day's intake: a hostile title among zj-mining's records, nb-gpp and the GB18030 hz-housing batch.
            let mining = try await api.post(
                "zj-mining",
                Data(ConsoleTests.hostile(String(decoding: try Self.sampleData("zj-mining", "push-20241112-0001.xml"), as: UTF8.self)).utf8))
            _ = try await api.post("nb-gpp", try Self.sampleData("nb-gpp", "NBZC-2024-1120-01.xml"))
            _ = try await api.post("hz-housing", try Self.sampleData("hz-housing", "batch-20241008-001.xml"))
            let hostileId = try #require(
                (mining["accepted"] as? [[String: Any]])?.first { $0["sourceRecordId"] as? String == "MR-2024-0112" }?["recordId"] as? String)

            // The hub refuses the hostile record: one dead letter, everything else delivered.
            let hub = TradingHubStandIn()
            await hub.inject(.rejectRecord(id: hostileId, reason: "标题含非法字符"))
            try await hub.withServer { hubURL in
                let worker = TestDelivery.worker(
                    .tradingHub(HubDeliveryProtocol(endpoint: ReceiverEndpoint(baseURL: hubURL))), queue: StoreOutboxQueue(store: harness.store),
                    client: api.client)
                try await TestDelivery.drain(worker, store: harness.store, destination: .hub)
                await hub.clearFaults()

                let browser = try Chromium()
                do {
                    try await browse(browser, base: api.base, api: api, harness: harness, hostileId: hostileId, mining: mining)
                } catch {
                    await browser.shutdown()
                    throw error
                }
                await browser.shutdown()

                // The replay really put the entry back: the worker now delivers it.
                try await TestDelivery.drain(worker, store: harness.store, destination: .hub)
                #expect(await hub.state().records[hostileId]?.version == 1)
            }
        }
    }

    func browse(_ browser: Chromium, base: String, api: API, harness: GatewayTestHarness, hostileId: String, mining: [String: Any]) async throws {
        let page = try await browser.newPage()

        // Sign in through the form a visitor is sent to.
        try await page.navigate("\(base)/console")
        #expect(try await page.evaluate("location.pathname") as? String == "/console/signin")
        #expect(try await page.evaluate("document.documentElement.lang") as? String == "zh-CN")
        try await page.submitting(
            """
            document.querySelector('input[name=token]').value = \(BrowserPage.quoted(GatewayTestHarness.operatorToken));
            document.querySelector('form[action="/console/signin"] button').click()
            """)
        #expect(try await page.evaluate("location.pathname") as? String == "/console")
        #expect(try await page.text("h1") == "概览")

        // The dashboard's numbers are the API's.
        let batches = try #require(try await api.get("/v1/batches")["batches"] as? [[String: Any]])
        func sum(_ key: String) -> Int { batches.compactMap { $0[key] as? Int }.reduce(0, +) }
        #expect(try await page.text("#today-batches") == "\(batches.count)")
        #expect(try await page.text("#today-accepted") == "\(sum("accepted"))")
        #expect(try await page.text("#today-rejected") == "\(sum("rejected"))")
        #expect(try await page.text("#today-late") == "\(sum("late"))")
        var byRule: [String: Int] = [:]
        for batch in batches {
            for (rule, count) in batch["rejectionsByRule"] as? [String: Int] ?? [:] { byRule[rule, default: 0] += count }
        }
        #expect(!byRule.isEmpty)
        for (rule, count) in byRule {
            #expect(try await page.text("tr[data-rule=\"\(rule)\"] td.n") == "\(count)", "rule \(rule)")
        }
        let dead = try #require(try await api.get("/v1/dead-letters")["deadLetters"] as? [[String: Any]])
        #expect(dead.count == 1)
        #expect(try await page.text("#dead-letters") == "1")
        #expect(try await page.text("#queue-hub-dead") == "1")
        let queues = try await harness.store.outboxStatistics(now: Date())
        for queue in queues {
            #expect(try await page.text("#queue-\(queue.destination.rawValue)-pending") == "\(queue.pending)")
        }

        // The batch list and a receipt.
        try await page.navigate("\(base)/console/batches")
        #expect(try await page.evaluate("document.querySelectorAll('#batches tr[data-batch]').length") as? Int == batches.count)
        let batchId = try #require(mining["batchId"] as? String)
        try await page.submitting("document.querySelector('tr[data-batch=\"\(batchId)\"] a').click()")
        let details = try await api.get("/v1/batches/\(batchId)")
        let receipt = try #require(details["receipt"] as? [String: Any])
        #expect(try await page.text("#batch-accepted") == "\((receipt["accepted"] as? [Any])?.count ?? -1)")
        #expect(try await page.text("#batch-rejected") == "\((receipt["rejected"] as? [Any])?.count ?? -1)")

        // The hostile title is text on the record page: no script element, nothing ran.
        try await page.submitting("document.querySelector('tr[data-record=\"\(hostileId)\"] a').click()")
        let title = try #require(try await page.text(".version .record-title"))
        #expect(title == ConsoleTests.hostileTitle)
        #expect(try await page.evaluate("document.querySelectorAll('script').length") as? Int == 0)
        #expect(try await page.evaluate("typeof window.__xss") as? String == "undefined")
        #expect(try await page.text("tr[data-entry] td.state") == "死信")

        // Replay from the dead-letter page.
        try await page.navigate("\(base)/console/dead-letters")
        #expect(try await page.evaluate("document.querySelectorAll('#dead-letters tr[data-entry]').length") as? Int == 1)
        #expect(try await page.text("#dead-letters td.reason")?.contains("标题含非法字符") == true)
        try await page.submitting("document.querySelector('#dead-letters form.replay-one button').click()")
        #expect(try await page.text("#replayed strong") == "1")
        #expect(try await page.evaluate("document.querySelector('#no-dead-letters') !== null") as? Bool == true)
        #expect(try await harness.store.deadLetters(DeadLetterFilter()).isEmpty)
        let entry = try #require(try await harness.store.recordHistory(recordId: hostileId).last?.deliveries.first)
        #expect(entry.state == .pending)

        // The preview of a pasted sample shows its records; nothing is stored.
        let storedBefore = try await harness.store.batches(BatchListQuery()).count
        let sample = String(decoding: try Self.sampleData("wz-bidding", "WZJY-20241125-07.xml"), as: UTF8.self)
        try await page.navigate("\(base)/console/preview")
        try await page.submitting(
            """
            document.querySelector('select[name=source]').value = 'wz-bidding';
            document.querySelector('textarea[name=xml]').value = \(BrowserPage.quoted(sample));
            document.querySelector('#preview-form button').click()
            """)
        let expected = try String(
            contentsOf: GatewayTestHarness.root.appendingPathComponent("Mappings/tests/wz-bidding/WZJY-20241125-07.expected.jsonl"), encoding: .utf8)
        let expectedHub = expected.split(separator: "\n").filter { $0.hasPrefix("{\"hubRecord\"") }.count
        let expectedRejections = expected.split(separator: "\n").filter { $0.hasPrefix("{\"rejection\"") }.count
        #expect(try await page.text("#preview-accepted") == "\(expectedHub)")
        #expect(try await page.text("#preview-rejected") == "\(expectedRejections)")
        let shown = try await page.evaluate("[...document.querySelectorAll('tr.preview-record')].map(r => r.dataset.sourceRecord)") as? [String] ?? []
        #expect(shown.count == expectedHub)
        for id in shown { #expect(expected.contains("\"\(id)\"")) }
        #expect(try await harness.store.batches(BatchListQuery()).count == storedBefore)

        // And of an uploaded GB18030 file.
        try await page.setFiles(
            "input[type=file]", [GatewayTestHarness.root.appendingPathComponent("Mappings/tests/hz-housing/batch-20241008-001.xml").path])
        try await page.submitting(
            "document.querySelector('select[name=source]').value = 'hz-housing'; document.querySelector('textarea[name=xml]').value = ''; document.querySelector('#preview-form button').click()"
        )
        #expect(try await page.text("#preview-accepted") == "3")
        #expect(try await page.text("tr[data-source-record=\"FP-2024-0381\"] .record-title") == "望江公租房2024年第三批分配结果公示")

        // English on request, remembered.
        try await page.navigate("\(base)/console?lang=en")
        #expect(try await page.text("h1") == "Dashboard")
        try await page.navigate("\(base)/console/timeliness?from=2024-01&to=2024-12")
        #expect(try await page.text("h1") == "Disclosure timeliness")
        #expect(try await page.evaluate("document.querySelectorAll('svg[role=img]').length") as? Int ?? 0 >= 1)
    }
}
