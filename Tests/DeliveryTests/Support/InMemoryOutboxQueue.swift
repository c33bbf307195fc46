import Delivery
import Foundation

/// An ``OutboxQueue`` in memory that keeps the protocol's contract (leases, one version per record in order, dead
/// versions not blocking), for the worker tests.
actor InMemoryOutboxQueue: OutboxQueue {
    enum Status: Hashable {
        case pending
        case delivered
        case dead(reason: String)
    }

    struct Entry {
        var item: OutboxItem
        var status: Status = .pending
        var nextAttemptAt = Date.distantPast
        var leaseOwner: String?
        var leaseUntil = Date.distantPast
        var lastError: String?
        /// How often a worker marked it delivered (should be exactly once).
        var deliveredMarks = 0
    }

    private(set) var entries: [OutboxItem.ID: Entry] = [:]
    private var nextID: OutboxItem.ID = 1
    private(set) var claims = 0

    @discardableResult
    func enqueue(_ destination: OutboxDestination, recordId: String, version: Int, operation: OutboxOperation, json: Data)
        -> OutboxItem.ID
    {
        let id = nextID
        nextID += 1
        entries[id] = Entry(
            item: OutboxItem(
                id: id,
                destination: destination,
                recordId: recordId,
                version: version,
                operation: operation,
                recordJSON: json
            )
        )
        return id
    }

    /// Nothing left to do: every item delivered or dead.
    var isSettled: Bool {
        entries.values.allSatisfy { $0.status != .pending }
    }

    var deadReasons: [String: String] {
        var reasons: [String: String] = [:]
        for entry in entries.values {
            if case .dead(let reason) = entry.status { reasons["\(entry.item.recordId) v\(entry.item.version)"] = reason }
        }
        return reasons
    }

    func entry(_ id: OutboxItem.ID) -> Entry? {
        entries[id]
    }

    // MARK: - OutboxQueue

    func claim(destination: OutboxDestination, limit: Int, owner: String, leaseSeconds: Int, now: Date) -> [OutboxItem] {
        claims += 1
        let ordered = entries.values.sorted { $0.item.id < $1.item.id }
        // The lowest pending version per record: only that one may go (waiting or leased, it blocks the rest).
        var lowestPending: [String: Int] = [:]
        for entry in ordered where entry.item.destination == destination && entry.status == .pending {
            lowestPending[entry.item.recordId] = min(lowestPending[entry.item.recordId] ?? .max, entry.item.version)
        }
        var claimed: [OutboxItem] = []
        for entry in ordered where claimed.count < limit {
            let item = entry.item
            guard item.destination == destination, entry.status == .pending, entry.nextAttemptAt <= now,
                entry.leaseOwner == nil || entry.leaseUntil <= now, lowestPending[item.recordId] == item.version
            else { continue }
            entries[item.id]?.leaseOwner = owner
            entries[item.id]?.leaseUntil = now.addingTimeInterval(TimeInterval(leaseSeconds))
            claimed.append(item)
        }
        return claimed
    }

    func markDelivered(ids: [OutboxItem.ID], owner: String) {
        for id in ids where holds(id, owner) {
            entries[id]?.status = .delivered
            entries[id]?.deliveredMarks += 1
            clearLease(id)
        }
    }

    func markRetry(id: OutboxItem.ID, owner: String, nextAttemptAt: Date, error: String) {
        guard holds(id, owner) else { return }
        entries[id]?.item.attempts += 1
        entries[id]?.nextAttemptAt = nextAttemptAt
        entries[id]?.lastError = error
        clearLease(id)
    }

    func markDead(id: OutboxItem.ID, owner: String, reason: String) {
        guard holds(id, owner) else { return }
        entries[id]?.item.attempts += 1
        entries[id]?.status = .dead(reason: reason)
        clearLease(id)
    }

    func release(ids: [OutboxItem.ID], owner: String) {
        for id in ids where holds(id, owner) { clearLease(id) }
    }

    private func holds(_ id: OutboxItem.ID, _ owner: String) -> Bool {
        entries[id]?.leaseOwner == owner && entries[id]?.status == .pending
    }

    private func clearLease(_ id: OutboxItem.ID) {
        entries[id]?.leaseOwner = nil
        entries[id]?.leaseUntil = .distantPast
    }
}
