import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Mapping
import NIOCore
import Store

extension GatewayApplication {
    /// `GET /ready`: 200 when the store answers and mappings are loaded; the mapping versions in use and, when the
    /// last reload was refused, why (the gateway keeps mapping with the previous files meanwhile, so it stays ready).
    func readiness() async -> Response {
        do {
            _ = try await store.outboxStatistics(now: Date())
        } catch {
            return Self.json(503, ["status": .string("unavailable"), "detail": .string("store: \(error)")])
        }
        let set = mappings.current
        var answer: [String: JSONValue] = [
            "status": .string("ready"), "mappingsVersion": .string(set.version), "mappings": .number(String(set.mappings.count)),
            "mappingsLoadedAt": .string(ISO8601DateFormatter().string(from: mappings.loadedAt)),
            "systems": .object(set.mappings.mapValues { .string($0.fileHash) }),
        ]
        if let failure = mappings.lastFailure {
            answer["mappingsReload"] = .object([
                "status": .string("failed"), "at": .string(ISO8601DateFormatter().string(from: failure.at)),
                "detail": .array(failure.problems.map { .string($0) }),
            ])
        } else {
            answer["mappingsReload"] = .object(["status": .string("ok")])
        }
        return Self.json(200, answer)
    }

    /// `GET /metrics`: Prometheus text format. Unauthenticated like `/health`: it carries counts, no record content.
    func metricsExposition() async throws -> Response {
        let text = try await metrics.exposition(store: store, mappings: mappings)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `GET /v1/batches?source=&from=&to=&limit=&offset=`: batches newest first with their receipt counts.
    func listBatches(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        func day(_ key: String) -> LocalDate? { query[Substring(key)].flatMap { LocalDate(iso: String($0)) } }
        let from = day("from")
        let to = day("to")
        var range: ClosedRange<LocalDate>?
        if from != nil || to != nil {
            let lower = from ?? LocalDate(year: 1970, month: 1, day: 1)!
            let upper = to ?? LocalDate(year: 9999, month: 12, day: 31)!
            guard lower <= upper else { return Self.error(400, "invalid_filter", "from must not be after to", .english) }
            range = lower...upper
        }
        let limit = min(max(query["limit"].flatMap { Int(String($0)) } ?? 50, 1), 1000)
        let offset = max(query["offset"].flatMap { Int(String($0)) } ?? 0, 0)
        let batches = try await store.batches(
            BatchListQuery(sourceSystem: query["source"].map(String.init), receivedOn: range, limit: limit, offset: offset))
        return Self.json(200, ["batches": .array(batches.map(GatewayJSON.batchSummary))])
    }
}
