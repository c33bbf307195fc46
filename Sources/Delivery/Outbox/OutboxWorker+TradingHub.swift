import ExchangeStandard
import Foundation
import Logging

extension OutboxWorker {
    /// Sends `items` to the trading hub as one batch and settles each by the hub's per-record answer.
    func deliverBatch(_ items: [OutboxItem], with hub: HubDeliveryProtocol) async {
        var sendable: [(item: OutboxItem, record: HubRecord)] = []
        for item in items {
            guard item.operation == .upsert else {
                await bury(item, reason: "operation \(item.operation.rawValue) is not valid for the trading hub")
                continue
            }
            do {
                let record = try HubRecord(storedJSON: item.recordJSON)
                guard record.recordId == item.recordId, record.version == item.version else {
                    await bury(item, reason: "stored record \(record.recordId) v\(record.version) does not match the outbox item")
                    continue
                }
                let leaked = PublicationPolicy.leakedRedactedFields(in: record)
                if !leaked.isEmpty {
                    // Stripped by the protocol anyway; the mapping that left them in needs fixing.
                    logger.warning(
                        "record carries fields listed in redacted; stripped before sending",
                        metadata: ["record.id": "\(record.recordId)", "fields": "\(leaked)"]
                    )
                }
                sendable.append((item, record))
            } catch {
                await bury(item, reason: "stored hub record is unreadable: \(error)")
            }
        }
        guard !sendable.isEmpty else { return }

        let batchItems = sendable.map(\.item)
        let deliveryId = DeliveryID.make(destination: .tradingHub, items: batchItems)
        var logger = self.logger
        logger[metadataKey: "delivery.id"] = "\(deliveryId)"

        let request: OutboundRequest
        do {
            request = try hub.makeRequest(deliveryId: deliveryId, records: sendable.map(\.record))
        } catch {
            for item in batchItems { await bury(item, reason: "cannot encode the hub batch: \(error)") }
            return
        }
        guard let result = await send(request) else {
            logger.info("cancelled while sending; items released")
            await release(batchItems)
            return
        }
        let outcomes = hub.outcomes(of: result, recordIds: batchItems.map(\.recordId))
        recordRequest(Self.requestResult(of: outcomes))

        var delivered: [OutboxItem.ID] = []
        var counts: [String: Int] = [:]
        for item in batchItems {
            let outcome = outcomes[item.recordId] ?? .failed(reason: "no outcome for the record")
            if case .delivered = outcome {
                // Marked together below: one round trip for the common case.
                delivered.append(item.id)
                counts["delivered", default: 0] += 1
                continue
            }
            switch await settle(item, outcome: outcome, logger: logger) {
            case .done: counts["delivered", default: 0] += 1
            case .retry: counts["retry", default: 0] += 1
            case .dead: counts["dead", default: 0] += 1
            }
        }
        if !delivered.isEmpty {
            do {
                try await queue.markDelivered(ids: delivered, owner: configuration.owner)
            } catch {
                logger.error("cannot record deliveries in the outbox", metadata: ["error": "\(error)"])
            }
        }
        logger.info(
            "hub batch sent",
            metadata: [
                "records": "\(batchItems.count)", "delivered": "\(counts["delivered", default: 0])",
                "retry": "\(counts["retry", default: 0])", "dead": "\(counts["dead", default: 0])",
            ]
        )
    }

    /// The batch request counts as answered when the hub said anything definite about any record.
    static func requestResult(of outcomes: [String: DeliveryOutcome]) -> DestinationHealth.RequestResult {
        if outcomes.values.contains(where: \.destinationAnswered) { return .success }
        return .failure(reason: outcomes.values.first?.reason ?? "no usable answer")
    }
}
