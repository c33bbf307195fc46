import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Store

/// The gateway's metrics, recorded through swift-metrics and exposed by `GET /metrics` in Prometheus text format.
///
/// Each gateway application owns its registry (rather than only the process-wide `MetricsSystem`), so that several
/// gateways in one test process keep their numbers apart; `serve` also bootstraps `MetricsSystem` with
/// ``factory`` so that library metrics land in the same registry.
///
/// Names (labels in braces):
/// - `gateway_batches_total{source,outcome}`: `accepted`, `duplicate`, `conflict`, `refused` (malformed, too large…), `failed` (store)
/// - `gateway_records_total{source,outcome}`: source records `accepted` or `rejected`
/// - `gateway_record_rejections_total{source,rule}`: rejected records per broken rule
/// - `gateway_late_records_total{source}`: accepted records past their disclosure deadline (new versions only)
/// - `gateway_batch_seconds{source}`: ingest time of a batch, body read to commit
/// - `gateway_delivery_attempts_total{destination,outcome}`: `delivered`, `retry`, `dead`
/// - `gateway_delivery_attempt_seconds{destination}`: claim to outcome of one delivery
/// - `gateway_delivery_latency_seconds{destination}`: outbox entry created to delivered
/// - `gateway_dead_letters_total{destination}`: deliveries given up on
/// - `gateway_outbox_pending{destination}`, `gateway_outbox_inflight{destination}`, `gateway_dead_letters{destination}`,
///   `gateway_outbox_oldest_pending_age_seconds{destination}`: read from the store at each scrape
/// - `gateway_destination_failing{destination}`: 1 while the outbox worker has paused a failing receiver
/// - `gateway_mapping_reloads_total{outcome}`: `applied`, `unchanged`, `failed`; `gateway_mapping_reload_failing`: 1 while
///   the last reload was refused
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Batches and deliveries take from milliseconds (a small batch, a loopback receiver) to minutes (a 64 MB
        // batch, a receiver behind retries): wider buckets than the factory's default 5 ms – 10 s.
        let wide: [Duration] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        for label in ["gateway_batch_seconds", "gateway_delivery_attempt_seconds", "gateway_delivery_latency_seconds"] {
            factory.durationHistogramBuckets[label] = wide
        }
        self.factory = factory
    }

    // MARK: - Ingest

    public enum BatchOutcome: String, Sendable {
        case accepted, duplicate, conflict, refused, failed
    }

    func batch(source: String, outcome: BatchOutcome, duration: Duration) {
        CoreMetrics.Counter(label: "gateway_batches_total", dimensions: [("source", source), ("outcome", outcome.rawValue)], factory: factory)
            .increment()
        CoreMetrics.Timer(label: "gateway_batch_seconds", dimensions: [("source", source)], factory: factory).record(duration: duration)
    }

    /// Counts a committed batch's records from its receipt.
    func records(source: String, receipt: BatchReceipt) {
        let summary = ReceiptCounts(receipt)
        counter("gateway_records_total", [("source", source), ("outcome", "accepted")]).increment(by: summary.accepted)
        counter("gateway_records_total", [("source", source), ("outcome", "rejected")]).increment(by: summary.rejected)
        for (rule, count) in summary.rejectionsByRule {
            counter("gateway_record_rejections_total", [("source", source), ("rule", rule)]).increment(by: count)
        }
        counter("gateway_late_records_total", [("source", source)]).increment(by: summary.late)
    }

    // MARK: - Delivery

    public enum DeliveryOutcome: String, Sendable {
        case delivered, retry, dead
    }

    func deliveryAttempt(destination: OutboxDestination, outcome: DeliveryOutcome, duration: Duration?) {
        counter("gateway_delivery_attempts_total", [("destination", destination.rawValue), ("outcome", outcome.rawValue)]).increment()
        if let duration {
            CoreMetrics.Timer(label: "gateway_delivery_attempt_seconds", dimensions: [("destination", destination.rawValue)], factory: factory)
                .record(duration: duration)
        }
        if outcome == .dead {
            counter("gateway_dead_letters_total", [("destination", destination.rawValue)]).increment()
        }
    }

    func delivered(destination: OutboxDestination, waited: TimeInterval) {
        CoreMetrics.Timer(label: "gateway_delivery_latency_seconds", dimensions: [("destination", destination.rawValue)], factory: factory)
            .record(duration: .milliseconds(Int64(max(0, waited) * 1000)))
    }

    func destinationFailing(_ destination: OutboxDestination, _ failing: Bool) {
        gauge("gateway_destination_failing", [("destination", destination.rawValue)]).record(failing ? 1 : 0)
    }

    // MARK: - Mappings

    public func mappingReload(_ outcome: MappingRegistry.ReloadOutcome) {
        let name =
            switch outcome {
            case .applied: "applied"
            case .unchanged: "unchanged"
            case .failed: "failed"
            }
        counter("gateway_mapping_reloads_total", [("outcome", name)]).increment()
    }

    // MARK: - Exposition

    /// Refreshes the gauges read from the store and the registry, then renders every metric.
    func exposition(store: any GatewayStore, mappings: MappingRegistry, now: Date = Date()) async throws -> String {
        for statistics in try await store.outboxStatistics(now: now) {
            let destination = [("destination", statistics.destination.rawValue)]
            gauge("gateway_outbox_pending", destination).record(statistics.pending)
            gauge("gateway_outbox_inflight", destination).record(statistics.inflight)
            gauge("gateway_dead_letters", destination).record(statistics.dead)
            gauge("gateway_outbox_oldest_pending_age_seconds", destination).record(statistics.oldestUndeliveredAge)
        }
        gauge("gateway_mapping_reload_failing", []).record(mappings.lastFailure == nil ? 0 : 1)
        return registry.emitToString()
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
