import ExchangeStandard
import Foundation

/// One page of the credit feed: credit record versions in commit order, unmasked.
public struct FeedPage: Sendable {
    public var entries: [FeedEntry]
    /// Where the next page starts; the request's own cursor when the page is empty.
    public var next: FeedCursor

    public init(entries: [FeedEntry], next: FeedCursor) {
        self.entries = entries
        self.next = next
    }

    public var records: [CreditRecord] { entries.map(\.record) }
}

/// One credit record version in the feed.
public struct FeedEntry: Sendable {
    /// The cursor that resumes right after this entry.
    public var position: FeedCursor
    public var record: CreditRecord
    /// The stored JSON of the version (what ``record`` was decoded from), for answering without re-encoding.
    public var json: Data

    public init(position: FeedCursor, record: CreditRecord, json: Data) {
        self.position = position
        self.record = record
        self.json = json
    }
}
