import Foundation
import GatewayServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The timeliness report over the six samples, against hand-computed figures", .serialized)
struct TimelinessReportTests {
    /// When each batch reaches the gateway: shortly after its system generated it (Beijing time).
    static let arrivals: [(String, String, String)] = [
        ("hz-housing", "batch-20241008-001.xml", "2024-10-08T09:35:00+08:00"),
        ("zj-land", "batch-LT20241105A.xml", "2024-11-05T16:05:00+08:00"),
        ("zj-mining", "push-20241112-0001.xml", "2024-11-12T10:00:00+08:00"),
        ("nb-gpp", "NBZC-2024-1120-01.xml", "2024-11-20T17:50:00+08:00"),
        ("nb-gpp", "NBZC-2024-1122-01.xml", "2024-11-22T10:15:00+08:00"),
        ("zj-property", "CQJY-20241118.xml", "2024-11-18T12:00:00+08:00"),
        ("wz-bidding", "WZJY-20241125-07.xml", "2024-11-25T14:35:00+08:00"),
    ]

    @Test("19 first versions, 17 on time; late: NBCG-2024-09001-GK by 11 working days, JG-2024-0655-001 by 1")
    func report() async throws {
        let now = TestClock()
        let harness = try await GatewayTestHarness(now: { now.value })
        defer { harness.remove() }
        try await harness.live { client in
            for (system, file, arrival) in Self.arrivals {
                now.value = ISO8601DateFormatter().date(from: arrival)!
                try await client.execute(
                    uri: "/v1/batches", method: .post, headers: GatewayTestHarness.headers(token: "token-\(system)"),
                    body: try GatewayTestHarness.sample(system, file)
                ) { #expect($0.status == .created) }
            }
            let operatorHeaders = GatewayTestHarness.headers(token: GatewayTestHarness.operatorToken)
            try await client.execute(
                uri: "/v1/reports/timeliness?from=2024-01-01&to=2024-12-31&groupBy=domain", method: .get, headers: operatorHeaders
            ) {
                response in
                #expect(response.status == .ok)
                let report = try GatewayTestHarness.json(response.body)
                let groups = try #require(report["groups"] as? [[String: Any]])
                let byDomain = Dictionary(uniqueKeysWithValues: groups.map { ($0["domain"] as! String, $0) })
                // hz-housing 3, zj-land 4, zj-mining 3, nb-gpp 3 (the second batch adds versions, not records), zj-property 3, wz-bidding 3.
                #expect(groups.map { $0["records"] as! Int }.reduce(0, +) == 19)
                #expect(byDomain["PROCUREMENT"]?["records"] as? Int == 3)
                #expect(byDomain["PROCUREMENT"]?["late"] as? Int == 1)
                #expect(byDomain["PROCUREMENT"]?["onTimeRate"] as? Double == 0.6667)
                #expect(byDomain["PROCUREMENT"]?["worstDelayWorkingDays"] as? Int == 11)
                #expect(byDomain["CONSTRUCTION"]?["late"] as? Int == 1)
                #expect(byDomain["CONSTRUCTION"]?["medianDelayWorkingDays"] as? Double == 1)
                for domain in ["HOUSING", "LAND", "MINING", "PROPERTY"] {
                    #expect(byDomain[domain]?["late"] as? Int == 0, "\(domain)")
                    #expect(byDomain[domain]?["onTimeRate"] as? Double == 1)
                }
                let late = try #require(report["lateRecords"] as? [[String: Any]])
                #expect(
                    late.map { "\($0["dueOn"]!) \($0["disclosedOn"]!) \($0["delayWorkingDays"]!)" } == [
                        "2024-10-29 2024-10-30 1", "2024-11-04 2024-11-19 11",
                    ])
            }
            try await client.execute(
                uri: "/v1/reports/timeliness?from=2024-11-01&to=2024-11-30&groupBy=department&format=csv", method: .get, headers: operatorHeaders
            ) {
                response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = String(buffer: response.body).split(separator: "\r\n").map(String.init)
                #expect(
                    lines.first == "\u{FEFF}department,departmentUSCC,records,onTime,late,onTimeRate,medianDelayWorkingDays,worstDelayWorkingDays")
                // Formed in November: 宁波市第二医院 (NBCG-2024-08812-JG) on time.
                #expect(lines.contains("宁波市第二医院,12330200PA2HH99E7H,1,1,0,1.0,,"))
            }
            try await client.execute(uri: "/v1/reports/timeliness?from=2024-12-01&to=2024-01-01", method: .get, headers: operatorHeaders) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "/v1/reports/timeliness?from=2024-01-01&to=2024-12-31", method: .get, headers: GatewayTestHarness.headers(token: "token-nb-gpp")
            ) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}

/// The ingest clock, set by the test between requests; requests go one at a time, so reads never race a write.
final class TestClock: @unchecked Sendable {
    var value = Date()
}
