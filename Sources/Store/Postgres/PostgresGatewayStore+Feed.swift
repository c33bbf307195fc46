import ExchangeStandard
import Foundation
import PostgresNIO

/// The credit feed: `credit_feed.seq` is the position, assigned in commit order by the commit's last step (see
/// `PostgresBatchCommit.appendInCommitOrder`). A reader's snapshot therefore always holds a gap-free prefix of the
/// feed, whichever node committed what, and paging "after my cursor" never skips nor repeats a version.
extension PostgresGatewayStore {
    public func creditFeed(after: FeedCursor?, limit: Int) async throws -> FeedPage {
        guard limit >= 1 else {
            throw StoreError(.invalidArgument, "A feed page holds at least one record.", context: ["limit": String(limit)])
        }
        let start = after ?? .start
        return try await withSession("Reading the credit feed failed.") { session in
            let entries = try await session.all(
                """
                SELECT f.seq, c.credit_record_id, c.version, c.record_json
                FROM credit_feed f
                JOIN credit_record_version c ON c.credit_record_id = f.credit_record_id AND c.version = f.version
                WHERE f.seq > \(start.sequence) ORDER BY f.seq LIMIT \(limit)
                """
            ).map { row in
                let json: String = try row("record_json")
                let record = try StoredValues.decode(
                    CreditRecord.self, json: json,
                    what: "credit record \(try row("credit_record_id", as: String.self)) v\(try row("version", as: Int.self))")
                return FeedEntry(position: FeedCursor(sequence: try row("seq")), record: record, json: Data(json.utf8))
            }
            return FeedPage(entries: entries, next: entries.last?.position ?? start)
        }
    }

    /// Woken by `NOTIFY credit_feed` from any node (this node's own commits signal directly), with a poll every
    /// ``Configuration/feedPollInterval`` in case the listener's connection was lost and a notification with it.
    public func waitForCreditCommit(after: FeedCursor?, timeout: Duration) async throws -> Bool {
        let sequence = (after ?? .start).sequence
        return try await commitSignal.waitForCommit(timeout: timeout, pollInterval: configuration.feedPollInterval) {
            try await withSession("Checking the credit feed failed.") { session in
                try await session.row("SELECT EXISTS (SELECT 1 FROM credit_feed WHERE seq > \(sequence)) AS found")?("found", as: Bool.self)
                    ?? false
            }
        }
    }
}
