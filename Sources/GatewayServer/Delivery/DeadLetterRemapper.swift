import ExchangeStandard
import Foundation
import Mapping
import Store

/// Replays dead letters whose problem was the mapping: each one's raw batch is read back from the store and
/// mapped again with the current mapping files, the dead version's payload is replaced by the new mapping of the
/// same source record (same version and action: the receivers never held it), and its entries are requeued.
public struct DeadLetterRemapper: Sendable {
    public let store: any GatewayStore
    public let mappings: MappingSet

    public init(store: any GatewayStore, mappings: MappingSet) {
        self.store = store
        self.mappings = mappings
    }

    public struct Outcome: Sendable, Hashable {
        /// Outbox entries back in the queue with the re-mapped payload.
        public var requeued: [Int64] = []
        /// Dead entries that could not be re-mapped, with why (record now rejected, batch unreadable …).
        public var failed: [Int64: String] = [:]
    }

    public func remap(_ filter: DeadLetterFilter) async throws -> Outcome {
        var outcome = Outcome()
        let dead = try await store.deadLetters(filter)
        let byBatch = Dictionary(grouping: dead) { $0.batchId ?? "" }
        for (batchId, entries) in byBatch.sorted(by: { $0.key < $1.key }) {
            guard !batchId.isEmpty, let details = try await store.batch(id: batchId) else {
                for entry in entries { outcome.failed[entry.id] = "no stored batch for this entry (a publicity takedown is not re-mapped)" }
                continue
            }
            let mapped: [String: (MappedRecord, MappedCreditRecord?)]
            do {
                mapped = try await remapBatch(details)
            } catch {
                for entry in entries { outcome.failed[entry.id] = "batch \(batchId) could not be re-mapped: \(error)" }
                continue
            }
            for entry in entries {
                do {
                    guard let (record, credit) = mapped[entry.recordId] else {
                        outcome.failed[entry.id] = "the current mapping rejects or no longer produces \(entry.recordId)"
                        continue
                    }
                    let trace = Data(StoredTrace.encode(record.trace))
                    let replacement: RecordVersionReplacement
                    switch entry.destination {
                    case .hub:
                        guard
                            let stored = try await store.recordHistory(recordId: entry.recordId).first(where: { $0.record.version == entry.version })
                        else { throw StoreError(.notFound, "no version \(entry.version) of \(entry.recordId)") }
                        var hub = record.hub
                        hub.version = stored.record.version
                        hub.action = stored.record.action
                        hub.source = stored.record.source
                        hub.creditRecordIds = stored.record.creditRecordIds
                        replacement = RecordVersionReplacement(
                            payload: .hub(hub), contentHash: RecordMapper.contentHash(of: hub), trace: trace, mappingVersion: mappings.version)
                    case .publisher:
                        guard let credit,
                            let stored = try await store.creditRecordHistory(creditRecordId: entry.recordId).first(where: {
                                $0.record.version == entry.version
                            })
                        else {
                            outcome.failed[entry.id] = "the current mapping no longer produces credit record \(entry.recordId)"
                            continue
                        }
                        var creditRecord = credit.record
                        creditRecord.version = stored.record.version
                        creditRecord.action = stored.record.action
                        creditRecord.source = stored.record.source
                        replacement = RecordVersionReplacement(
                            payload: .credit(creditRecord), contentHash: RecordMapper.contentHash(of: creditRecord), trace: trace,
                            mappingVersion: mappings.version)
                    }
                    outcome.requeued += try await store.replaceRecordVersionPayload(replacement, now: Date())
                } catch {
                    outcome.failed[entry.id] = "\(error)"
                }
            }
        }
        return outcome
    }

    /// The batch's raw body through the current mapping: every mapped hub and credit record by gateway id.
    private func remapBatch(_ details: BatchDetails) async throws -> [String: (MappedRecord, MappedCreditRecord?)] {
        let source = details.sourceSystem
        guard let mapper = mappings.mapper(for: source) else { throw StoreError(.notFound, "no mapping for \(source)") }
        let translator = BatchTranslator(
            mapper: mapper,
            context: TranslationContext(
                sourceSystem: source, batchId: details.batchId, receivedAt: details.receivedAt, receivedOn: details.receivedOn))
        var outcomes: [RecordOutcome] = []
        for try await chunk in try await store.rawBody(batchId: details.batchId) {
            outcomes += try translator.feed(chunk)
        }
        outcomes += try translator.finish()
        var result: [String: (MappedRecord, MappedCreditRecord?)] = [:]
        for case .mapped(let record) in outcomes {
            result[record.hub.recordId] = (record, nil)
            for credit in record.credits { result[credit.record.creditRecordId] = (record, credit) }
        }
        return result
    }
}
