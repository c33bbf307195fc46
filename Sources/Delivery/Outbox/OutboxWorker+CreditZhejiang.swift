import ExchangeStandard
import Foundation
import Logging

extension OutboxWorker {
    /// One request per item, at most `configuration.concurrency` at once; stops starting new ones when the destination
    /// turns degraded or the task is cancelled, and releases what it did not start.
    func deliverPublications(_ items: [OutboxItem], with publisher: PublisherDeliveryProtocol) async {
        var pending = items[...]
        var unstarted: [OutboxItem] = []
        await withTaskGroup(of: (OutboxItem, PublicationAttempt).self) { group in
            func startNext() -> Bool {
                guard let item = pending.popFirst() else { return false }
                group.addTask { (item, await self.publish(item, with: publisher)) }
                return true
            }
            var started = 0
            while started < configuration.concurrency, startNext() { started += 1 }
            // Each finished request makes room for the next one.
            while let (item, attempt) = await group.next() {
                switch attempt {
                case .sent(let outcome):
                    recordRequest(outcome.destinationAnswered ? .success : .failure(reason: outcome.reason))
                    _ = await settle(item, outcome: outcome, logger: logger)
                case .notSent(let reason):
                    await bury(item, reason: reason)
                case .interrupted:
                    unstarted.append(item)
                }
                if Task.isCancelled || health.isDegraded {
                    unstarted.append(contentsOf: pending)
                    pending.removeAll()
                } else {
                    _ = startNext()
                }
            }
        }
        await release(unstarted)
    }

    /// How delivering one item went.
    enum PublicationAttempt: Sendable {
        /// The publisher answered, or the request failed in transport.
        case sent(DeliveryOutcome)
        /// The item cannot become a request (unreadable record, wrong operation): dead letter, no request made.
        case notSent(reason: String)
        /// Cancelled mid-request: outcome unknown, the item goes back unattempted.
        case interrupted
    }

    nonisolated func publish(_ item: OutboxItem, with publisher: PublisherDeliveryProtocol) async -> PublicationAttempt {
        switch item.operation {
        case .upsert:
            return .notSent(reason: "operation upsert is not valid for Credit Zhejiang")
        case .delete:
            let request = publisher.makeDeleteRequest(creditRecordId: item.recordId, version: item.version)
            return await sent(request, interpretedBy: publisher.outcome(ofDelete:))
        case .put:
            let record: CreditRecord
            do {
                record = try CreditRecord(storedJSON: item.recordJSON)
            } catch {
                return .notSent(reason: "stored credit record is unreadable: \(error)")
            }
            guard record.creditRecordId == item.recordId, record.version == item.version else {
                return .notSent(reason: "stored record \(record.creditRecordId) v\(record.version) does not match the outbox item")
            }
            guard PublicationPolicy.shouldPublish(record) else {
                // 警告/通报批评 only: not shown on Credit Zhejiang. A correction can turn a published penalty into such
                // a record, so any earlier publication is taken down; 404 (never published) counts as done.
                let request = publisher.makeDeleteRequest(creditRecordId: item.recordId, version: item.version)
                return await sent(request, interpretedBy: publisher.outcome(ofDelete:))
            }
            let request: OutboundRequest
            do {
                request = try publisher.makePutRequest(record)
            } catch {
                return .notSent(reason: "cannot encode the publication: \(error)")
            }
            return await sent(request, interpretedBy: publisher.outcome(ofPut:))
        }
    }

    private nonisolated func sent(
        _ request: OutboundRequest,
        interpretedBy interpret: (Result<OutboundResponse, TransportError>) -> DeliveryOutcome
    ) async -> PublicationAttempt {
        guard let result = await send(request) else { return .interrupted }
        return .sent(interpret(result))
    }
}
