import Delivery
import ExchangeStandard
import Foundation
import Logging
import ServiceLifecycle
import Store

/// An outbox worker as a lifecycle service: it stops claiming when the service group shuts down.
public struct OutboxWorkerService: Service {
    public let worker: OutboxWorker

    public init(worker: OutboxWorker) {
        self.worker = worker
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run()
        }
    }
}

/// Takes Credit Zhejiang publications down when their 公示截止期 has passed; the records stay in the store with
/// their history (`spec/credit-record.md`, "Publicity period").
public struct PublicityExpiryService: Service {
    public let store: any GatewayStore
    public let interval: Duration
    public let logger: Logger
    /// Today in Beijing, replaceable in tests.
    public let today: @Sendable () -> LocalDate

    public init(
        store: any GatewayStore, interval: Duration = .seconds(3600), logger: Logger,
        today: @escaping @Sendable () -> LocalDate = { LocalDate(Date(), utcOffsetSeconds: 8 * 3600) }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.today = today
    }

    /// One sweep: every publication whose publicity ended before today gets a takedown in the outbox.
    @discardableResult
    public func sweep() async throws -> Int {
        let expired = try await store.creditRecordsWithExpiredPublicity(asOf: today())
        for publication in expired {
            _ = try await store.enqueuePublicityTakedown(
                creditRecordId: publication.creditRecordId, version: publication.version,
                reason: "公示截止期 \(publication.publicityEndsOn) 已过 / publicity ended \(publication.publicityEndsOn)", now: Date())
            logger.info("publicity ended", metadata: ["creditRecordId": "\(publication.creditRecordId)", "source": "\(publication.sourceSystem)"])
        }
        return expired.count
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sweep()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("publicity expiry sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
