import CompressNIO
import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Store
import TestSupport
import Testing

@Suite("POST /v1/batches over real HTTP", .serialized)
struct IngestTests {
    @Test(
        "the six samples go in with the receipts their facts predict",
        arguments: StoreBackend.allCases,
        [
            ("hz-housing", "batch-20241008-001.xml", 3, ["FP-2024-0399", "FP-2024-0400"]),
            ("zj-land", "batch-LT20241105A.xml", 4, ["TD-330106-2024-040"]),
            ("zj-mining", "push-20241112-0001.xml", 3, ["MR-2024-0120"]),
            ("nb-gpp", "NBZC-2024-1120-01.xml", 3, ["NBCG-2024-08900-GZ"]),
            ("zj-property", "CQJY-20241118.xml", 3, ["Z22024ZJ1000007"]),
            ("wz-bidding", "WZJY-20241125-07.xml", 3, ["WZJG-CF-2024-020"]),
        ])
    func sample(_ backend: StoreBackend, _ sample: (String, String, Int, [String])) async throws {
        let (system, file, accepted, rejected) = sample
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            let body = try GatewayTestHarness.sample(system, file)
            try await client.execute(uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-\(system)"), body: body) {
                response in
                #expect(response.status == .created)
                let receipt = try GatewayTestHarness.json(response.body)
                #expect((receipt["accepted"] as? [Any])?.count == accepted)
                let rejections = try #require(receipt["rejected"] as? [[String: Any]])
                #expect(rejections.compactMap { $0["sourceRecordId"] as? String } == rejected)
                #expect((receipt["bodySHA256"] as? String)?.count == 64)
            }
        }
        let audit = try await harness.store.verifyAuditChain(rehashBodies: true)
        #expect(audit.isIntact && audit.linksChecked == 1)
    }

    @Test(
        "the second nb-gpp batch makes version 2: correct and withdraw; resends get the first receipt; other bytes conflict",
        arguments: StoreBackend.allCases)
    func versionsResendAndConflict(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            let headers = GatewayTestHarness.headers(token: "token-nb-gpp")
            let first = try GatewayTestHarness.sample("nb-gpp", "NBZC-2024-1120-01.xml")
            let firstReceipt = try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: first) { response in
                #expect(response.status == .created)
                return response.body
            }
            try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: first) { response in
                #expect(response.status == .ok)
                #expect(response.body == firstReceipt)
            }
            var changed = first
            changed.writeString("\n<!-- resent with a different tail -->\n")
            try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: changed) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("batch_conflict"))
            }
            let second = try GatewayTestHarness.sample("nb-gpp", "NBZC-2024-1122-01.xml")
            try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: second) { response in
                #expect(response.status == .created)
                let accepted = try #require(try GatewayTestHarness.json(response.body)["accepted"] as? [[String: Any]])
                let byId = Dictionary(uniqueKeysWithValues: accepted.map { ($0["sourceRecordId"] as! String, $0) })
                #expect(byId["NBCG-2024-08812-JG"]?["version"] as? Int == 2)
                #expect(byId["NBCG-2024-08812-JG"]?["action"] as? String == "correct")
                #expect(byId["NBCG-2024-09001-GK"]?["action"] as? String == "withdraw")
            }
        }
    }

    /// The gateway maps a batch's records on worker threads while the request reads the body; the receipt must
    /// be what mapping them one by one on the request's task gives: the same records, versions, order and rejections.
    @Test("a large batch mapped on worker threads gets the receipt of mapping on the request's task")
    func mappingThreadsKeepTheReceipt() async throws {
        let sample = String(buffer: try GatewayTestHarness.sample("nb-gpp", "NBZC-2024-1120-01.xml"))
        let bodyStart = try #require(sample.range(of: "<公告"))
        let bodyEnd = try #require(sample.range(of: "</采购信息批次>", options: .backwards))
        let notices = String(sample[bodyStart.lowerBound..<bodyEnd.lowerBound])
        var document = String(sample[..<bodyStart.lowerBound])
        for copy in 0..<150 { document += notices.replacingOccurrences(of: "<公告编号>", with: "<公告编号>C\(copy)-") }
        document += "</采购信息批次>\n"
        let body = ByteBuffer(string: document)

        /// The receipts' bodies, written by one request at a time.
        final class Bodies: @unchecked Sendable { var received: [ByteBuffer] = [] }
        let bodies = Bodies()
        for threads in [0, 3] {
            let harness = try await GatewayTestHarness(.sqlite) { $0.limits.mappingThreadsPerBatch = threads }
            defer { harness.remove() }
            try await harness.live { client in
                let headers = GatewayTestHarness.headers(token: "token-nb-gpp")
                try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .created, "threads: \(threads)")
                    bodies.received.append(response.body)
                }
            }
        }
        let receipts = try bodies.received.map(GatewayTestHarness.json)
        try #require(receipts.count == 2)
        let accepted = try #require(receipts[0]["accepted"] as? [[String: Any]])
        let rejected = try #require(receipts[0]["rejected"] as? [[String: Any]])
        #expect(accepted.count >= 150 * 2)
        #expect(rejected.count >= 150)
        for key in ["accepted", "rejected"] {
            let sequential = try JSONSerialization.data(withJSONObject: receipts[0][key] as Any, options: [.sortedKeys])
            let parallel = try JSONSerialization.data(withJSONObject: receipts[1][key] as Any, options: [.sortedKeys])
            #expect(sequential == parallel, "\(key) differs with mapping threads")
        }
    }

    @Test("gzip bodies are accepted and hashed as the XML they carry", arguments: StoreBackend.allCases)
    func gzip(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            var plain = try GatewayTestHarness.sample("zj-land", "batch-LT20241105A.xml")
            let compressed = try plain.compress(with: .gzip())
            var headers = GatewayTestHarness.headers(token: "token-zj-land")
            headers[.contentEncoding] = "gzip"
            let digest = try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: compressed) { response in
                #expect(response.status == .created)
                return try GatewayTestHarness.json(response.body)["bodySHA256"] as? String
            }
            // The same XML sent uncompressed is the same batch.
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-zj-land"),
                body: try GatewayTestHarness.sample("zj-land", "batch-LT20241105A.xml")
            ) { response in
                #expect(response.status == .ok)
                let again = try GatewayTestHarness.json(response.body)
                #expect(again["bodySHA256"] as? String == digest)
            }
        }
    }

    @Test("no token or a wrong token is 401; a source outside its registration gets forbidden rejections", arguments: StoreBackend.allCases)
    func authentication(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            let body = try GatewayTestHarness.sample("nb-gpp", "NBZC-2024-1120-01.xml")
            for token in [nil, "wrong"] as [String?] {
                try await client.execute(uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: token), body: body) {
                    response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] != nil)
                }
            }
        }
        let audit = try await harness.store.verifyAuditChain()
        #expect(audit.linksChecked == 0)

        let restricted = try await GatewayTestHarness(backend) { configuration in
            let index = configuration.sources.firstIndex { $0.id == "zj-land" }!
            configuration.sources[index].regionPrefixes = ["3301"]
            configuration.sources[index].responsibleSubjects = ["11330100RJHTPQQF92"]
        }
        defer { restricted.remove() }
        try await restricted.live { client in
            // hz-housing's token may not post a zj-land batch's domain: its mapping is hz-housing, so use zj-land's token
            // against a region outside 3301: TD-330110… is in 3301, so all pass; the mining batch under zj-land's token is refused.
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-zj-land"),
                body: try GatewayTestHarness.sample("zj-land", "batch-LT20241105A.xml")
            ) { response in
                #expect(response.status == .created)
                let receipt = try GatewayTestHarness.json(response.body)
                #expect((receipt["accepted"] as? [Any])?.count == 4)
            }
        }
        let wrongDomain = try await GatewayTestHarness(backend) { configuration in
            let index = configuration.sources.firstIndex { $0.id == "nb-gpp" }!
            configuration.sources[index].domains = ["HOUSING"]
        }
        defer { wrongDomain.remove() }
        try await wrongDomain.live { client in
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-nb-gpp", language: "en"),
                body: try GatewayTestHarness.sample("nb-gpp", "NBZC-2024-1120-01.xml")
            ) { response in
                #expect(response.status == .created)
                let receipt = try GatewayTestHarness.json(response.body)
                #expect((receipt["accepted"] as? [Any])?.count == 0)
                let rejected = try #require(receipt["rejected"] as? [[String: Any]])
                let rules = rejected.flatMap { ($0["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
                #expect(rules.filter { $0 == "forbidden" }.count == 3)
                #expect(String(buffer: response.body).contains("may not speak for this record"))
            }
        }
    }

    @Test(
        "hostile and malformed bodies answer 400 with their code and position, and store nothing",
        arguments: StoreBackend.allCases,
        [
            ("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<BATCH>&e;</BATCH>", "external_entity"),
            (
                "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<l>&b;</l>",
                "doctype_entities"
            ),
            ("<BATCH><BODY><ROW>", "truncated"),
            ("", "empty"),
            ("{\"batch\": []}", "not_xml"),
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><BATCH>\u{FFFD}\n<a>\u{0}</a></BATCH>", "malformed"),
        ])
    func hostile(_ backend: StoreBackend, _ input: (String, String)) async throws {
        let (body, code) = input
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-hz-housing"), body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try GatewayTestHarness.json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == code || (code == "malformed" && error["code"] as? String == "encoding"))
                #expect(!String(buffer: response.body).contains("root:"))
                if code != "empty" { #expect(error["line"] as? Int != nil) }
            }
        }
        #expect(try await harness.store.verifyAuditChain().linksChecked == 0)
    }

    @Test("wrong media type is 415 and too large is 413, both before anything is parsed or stored", arguments: StoreBackend.allCases)
    func mediaTypeAndSize(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend) { $0.limits.maxBatchBytes = 2_000 }
        defer { harness.remove() }
        try await harness.live { client in
            let body = try GatewayTestHarness.sample("wz-bidding", "WZJY-20241125-07.xml")
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-wz-bidding", contentType: "application/json"),
                body: body
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-wz-bidding"), body: body) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("too_large"))
            }
        }
        #expect(try await harness.store.verifyAuditChain().linksChecked == 0)
    }

    @Test("a source over its request rate gets 429 with Retry-After; other sources are not affected", arguments: StoreBackend.allCases)
    func rateLimit(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend) { $0.limits.requestsPerMinutePerSource = 2 }
        defer { harness.remove() }
        try await harness.live { client in
            let body = try GatewayTestHarness.sample("wz-bidding", "WZJY-20241125-07.xml")
            let headers = GatewayTestHarness.headers(token: "token-wz-bidding")
            for expected in [HTTPResponse.Status.created, .ok] {
                try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: body) { #expect($0.status == expected) }
            }
            try await client.execute(uri: "/v1/batches", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-zj-mining"),
                body: try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml")
            ) { response in
                #expect(response.status == .created)
            }
        }
    }

    @Test("operators read a batch with delivery states and a record with versions and trace", arguments: StoreBackend.allCases)
    func operatorReads(_ backend: StoreBackend) async throws {
        let harness = try await GatewayTestHarness(backend)
        defer { harness.remove() }
        try await harness.live { client in
            let receipt = try await client.execute(
                uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-wz-bidding"),
                body: try GatewayTestHarness.sample("wz-bidding", "WZJY-20241125-07.xml")
            ) { try GatewayTestHarness.json($0.body) }
            let batchId = try #require(receipt["batchId"] as? String)
            let recordId = try #require((receipt["accepted"] as? [[String: Any]])?.first?["recordId"] as? String)
            try await client.execute(uri: "/v1/batches/\(batchId)", method: .get, headers: GatewayTestHarness.headers(token: "token-wz-bidding")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/v1/batches/\(batchId)", method: .get, headers: GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken)
            ) {
                #expect($0.status == .ok)
                let details = try GatewayTestHarness.json($0.body)
                #expect(((details["receipt"] as? [String: Any])?["batchId"] as? String) == batchId)
                #expect((details["hubVersions"] as? [Any])?.count == 3)
            }
            try await client.execute(
                uri: "/v1/records/\(recordId)", method: .get, headers: GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken)
            ) {
                #expect($0.status == .ok)
                let history = try GatewayTestHarness.json($0.body)
                let version = try #require((history["versions"] as? [[String: Any]])?.first)
                #expect(((version["record"] as? [String: Any])?["version"] as? Int) == 1)
                #expect((version["trace"] as? [Any])?.isEmpty == false)
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
    }
}
