import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mapping
import NIOCore
import Store

extension GatewayApplication {
    /// Reads the dead-letter filter of a query string: `destination`, `source`, `reason` (substring), `since`, `before`
    /// (RFC 3339), `limit`.
    public static func deadLetterFilter(_ query: [String: String]) throws -> DeadLetterFilter {
        func date(_ key: String) throws -> Date? {
            guard let text = query[key], !text.isEmpty else { return nil }
            guard let date = ISO8601DateFormatter().date(from: text) else { throw FilterError(message: "\(key) must be RFC 3339, not \(text)") }
            return date
        }
        var destination: OutboxDestination?
        if let text = query["destination"], !text.isEmpty {
            guard let parsed = OutboxDestination(rawValue: text) else { throw FilterError(message: "destination is hub or publisher, not \(text)") }
            destination = parsed
        }
        return DeadLetterFilter(
            destination: destination, sourceSystem: query["source"], reasonContains: query["reason"], deadSince: try date("since"),
            deadBefore: try date("before"), limit: query["limit"].flatMap(Int.init))
    }

    public struct FilterError: Error {
        public var message: String
    }

    /// `GET /v1/dead-letters?…`: what could not be delivered, with the receiver's reason.
    func listDeadLetters(_ request: Request) async throws -> Response {
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
        do {
            let dead = try await store.deadLetters(try Self.deadLetterFilter(query))
            return Self.json(200, ["deadLetters": GatewayJSON.deliveries(dead)])
        } catch let error as FilterError {
            return Self.error(400, "invalid_filter", error.message, .english)
        }
    }

    /// `POST /v1/dead-letters/replay` with `{"ids": [..]}` or a filter `{"destination", "source", "reason", "since", "before"}`:
    /// makes them deliverable again (after the receiver was fixed); with `"remap": true` and a filter, re-maps their
    /// stored raw batches with the current mapping files first (after the mapping was fixed).
    func replayDeadLetters(_ request: Request) async throws -> Response {
        var body = try await request.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readBytes(length: body.readableBytes) ?? []))) as? [String: Any] ?? [:]
        // "remap": the mapping was the problem: map the stored raw batches again with the current mapping files.
        if object["remap"] as? Bool == true {
            do {
                let query = object.compactMapValues { $0 as? String }
                let outcome = try await DeadLetterRemapper(store: store, mappings: mappings.current).remap(try Self.deadLetterFilter(query))
                logger.notice("dead letters re-mapped", metadata: ["requeued": "\(outcome.requeued.count)", "failed": "\(outcome.failed.count)"])
                return Self.json(
                    200,
                    [
                        "replayed": .array(outcome.requeued.map { .number(String($0)) }),
                        "failed": .object(Dictionary(uniqueKeysWithValues: outcome.failed.map { (String($0.key), JSONValue.string($0.value)) })),
                    ])
            } catch let error as FilterError {
                return Self.error(400, "invalid_filter", error.message, .english)
            }
        }
        let selection: DeadLetterSelection
        if let ids = object["ids"] as? [Int] {
            selection = .ids(ids.map(Int64.init))
        } else {
            do {
                let query = object.compactMapValues { $0 as? String }
                guard !query.isEmpty else { return Self.error(400, "invalid_filter", "name ids or at least one filter field", .english) }
                selection = .matching(try Self.deadLetterFilter(query))
            } catch let error as FilterError {
                return Self.error(400, "invalid_filter", error.message, .english)
            }
        }
        let replayed = try await store.replayDeadLetters(selection, now: Date())
        logger.notice("dead letters replayed", metadata: ["count": "\(replayed.count)"])
        return Self.json(200, ["replayed": .array(replayed.map { .number(String($0)) })])
    }
}
