import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Mapping
import NIOCore
import Store

extension GatewayApplication {
    /// `GET /v1/feeds/credit?after=<cursor>&limit=<n>&wait=<seconds>`: every credit record version in commit
    /// order, unmasked (an authenticated government channel), for registered consumers.
    ///
    /// Completeness under concurrent commits, also across nodes, rests on the store's ordering guarantee (see
    /// `SQLiteGatewayStore+Feed` and `PostgresBatchCommit.appendInCommitOrder`):
    /// the cursor is a position in commit order, so a page never ends before a version that commits later with a
    /// lower position.
    func creditFeed(_ request: Request) async throws -> Response {
        guard let token = Tokens.bearer(request.headers[.authorization]),
            configuration.consumers.contains(where: { Tokens.matches(token, sha256Hex: $0.tokenSHA256) })
        else {
            var response = Self.error(401, "unauthorized", "a feed consumer token is required / 需要信用信息平台的访问令牌", .chinese)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"credit-gateway\""
            return response
        }
        let query = request.uri.queryParameters
        var cursor: FeedCursor?
        if let after = query["after"].map(String.init), !after.isEmpty {
            do {
                cursor = try FeedCursor(encoded: after)
            } catch {
                return Self.error(400, "invalid_cursor", "the cursor \(after) is not one this gateway issued / 游标无效", .chinese)
            }
        }
        let limit = min(max(query["limit"].flatMap { Int(String($0)) } ?? 100, 1), 1000)
        let wait = min(max(query["wait"].flatMap { Int(String($0)) } ?? 0, 0), 60)
        var page = try await store.creditFeed(after: cursor, limit: limit)
        if page.entries.isEmpty, wait > 0, try await store.waitForCreditCommit(after: cursor, timeout: .seconds(wait)) {
            page = try await store.creditFeed(after: cursor, limit: limit)
        }
        let records = page.entries.map { GatewayJSON.decode($0.json) }
        return Self.json(200, ["records": .array(records), "next": .string(page.next.encoded)])
    }
}
