import ExchangeStandard
import XMLStream

/// The batch-level values a mapping reads outside records.
public struct BatchInfo: Sendable, Hashable, Codable {
    public var number: String?
    public var system: String?
    public var generatedAt: String?
}

/// Writes one outcome's output (its JSON lines) to the writer of the group it belongs to.
public typealias OutcomeRenderer = @Sendable (RecordOutcome, inout CanonicalJSONWriter) -> Void

enum OutcomeRendering {
    /// What a group's writer reserves per record: a hub record's JSON line is about 1 KB, a credit record's 1.5.
    static let bytesPerOutcome = 2048

    /// The bytes `renderer` writes for the outcomes `forEachOutcome` hands it, each as soon as it is made, for a group
    /// of `count` records.
    static func bytes(ofGroupOf count: Int, _ renderer: @escaping OutcomeRenderer, _ forEachOutcome: ((RecordOutcome) -> Void) -> Void) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: bytesPerOutcome * count)
        forEachOutcome { renderer($0, &writer) }
        return writer.bytes
    }
}

/// Streams one batch through a mapping: bytes in, record outcomes out, one record tree at a time.
///
/// Not thread-safe: one translator per batch, used by one task.
public final class BatchTranslator {
    public let mapper: RecordMapper
    private let reader: XMLRecordReader
    private var context: TranslationContext
    private let batchIdFromDocument: Bool
    private var batchNumber: String?
    /// Whether mapped records carry their trace (the gateway stores it; `translate` needs it for `--trace` only).
    public var collectsTrace = true
    /// Element names of this batch already looked up in the registry of names mappings use, and the store records
    /// are evaluated into.
    private var workspace = MappingWorkspace()

    /// - Parameter context: an empty `batchId` means "use the batch number the document carries".
    public init(mapper: RecordMapper, context: TranslationContext, limits: XMLStreamLimits = XMLStreamLimits()) {
        self.mapper = mapper
        self.context = context
        self.batchIdFromDocument = context.batchId.isEmpty
        self.reader = XMLRecordReader(recordPatterns: mapper.spec.records.map(\.pattern), limits: limits)
    }

    /// Worker threads that map records while this thread parses (0: map here, as each record completes).
    ///
    /// With workers, `feed` returns the outcomes of earlier chunks as they become ready, `finish` the rest, and
    /// after an error `drainPending()` those still in flight. For callers that may block their thread
    /// (`translate`), not for tasks on a shared cooperative pool.
    public var mappingThreads = 0 {
        didSet { pipeline = nil }
    }
    /// Made from the settings by ``startedPipeline()`` when records are first handed over; a setting changed
    /// drops it. Made on every setting, it started a pipeline's threads for each of the two or three settings
    /// a caller makes one after another, and ended all but the last unused.
    private var pipeline: MappingPipeline?

    /// Writes an outcome's output bytes, for ``feedRendering(_:)`` and its kin; with workers, on the worker that
    /// mapped it, as soon as it is mapped (`translate` writes its JSON lines there).
    public var renderer: OutcomeRenderer? {
        didSet { pipeline = nil }
    }

    /// The pipeline records go to, made from the current settings if there is none yet; nil without workers.
    private func startedPipeline() -> MappingPipeline? {
        if pipeline == nil, mappingThreads > 0 {
            pipeline = MappingPipeline(mapper: mapper, threads: mappingThreads, render: renderer, lowPriority: mayBlock)
        }
        return pipeline
    }

    /// With workers: whether `feed` and `finish` may block the calling thread to wait for them. A task on the
    /// cooperative pool (the gateway's ingest) sets this to false, awaits ``awaitBacklog()`` between chunks,
    /// and ends with ``finishAwaitingWorkers()``.
    ///
    /// Only a blocking caller's workers run at a lower priority (``MappingThread``): a task is resumed through the
    /// dispatch pool when a group is done, and a pool thread started from a niced mapping thread would keep its
    /// nice value for whatever runs there later.
    public var mayBlock = true {
        didSet { pipeline = nil }
    }

    /// Whether the mapping threads run below this thread's priority; nil without mapping threads.
    var mappingThreadsLowerPriority: Bool? { startedPipeline()?.lowPriority }

    public func feed(_ chunk: some Collection<UInt8>) throws(XMLStreamError) -> [RecordOutcome] {
        let records = try reader.feed(chunk)
        guard let pipeline = startedPipeline() else { return records.compactMap(map) }
        return pipeline.submit(records, context: contextFixed(by: records), tracing: collectsTrace, blocking: mayBlock)
    }

    /// `feed`, rendered: the bytes of the outcomes ready so far, in document order. Needs a ``renderer``.
    public func feedRendering(_ chunk: some Collection<UInt8>) throws(XMLStreamError) -> [UInt8] {
        let records = try reader.feed(chunk)
        guard let pipeline = startedPipeline() else { return render(records) }
        return pipeline.submitRendering(records, context: contextFixed(by: records), tracing: collectsTrace)
    }

    /// `finish`, rendered: the bytes of the remaining outcomes. Needs a ``renderer``.
    public func finishRendering() throws(XMLStreamError) -> [UInt8] {
        let records = try reader.finish()
        guard let pipeline = startedPipeline() else { return render(records) }
        return pipeline.submitRendering(records, context: contextFixed(by: records), tracing: collectsTrace) + pipeline.drainRendering()
    }

    /// `drainPending`, rendered: the bytes of the outcomes still in flight after an error.
    public func drainPendingRendering() -> [UInt8] {
        pipeline?.drainRendering() ?? []
    }

    /// Maps and renders the records here, one by one (no workers).
    private func render(_ records: [XMLStreamedRecord]) -> [UInt8] {
        guard let renderer else { preconditionFailure("BatchTranslator: the rendering calls need a renderer") }
        guard !records.isEmpty else { return [] }
        return OutcomeRendering.bytes(ofGroupOf: records.count, renderer) { body in
            for record in records { if let outcome = map(record) { body(outcome) } }
        }
    }

    /// Outcomes of the oldest groups, awaited (without blocking the thread) until few enough are in flight.
    public func awaitBacklog() async -> [RecordOutcome] {
        await pipeline?.awaitBacklog() ?? []
    }

    /// `finish()` for callers that must not block: the rest of the outcomes, with workers awaited.
    public func finishAwaitingWorkers() async throws(XMLStreamError) -> [RecordOutcome] {
        let records = try reader.finish()
        guard let pipeline = startedPipeline() else { return records.compactMap(map) }
        let ready = pipeline.submit(records, context: contextFixed(by: records), tracing: collectsTrace, blocking: false)
        return ready + (await pipeline.drainAsync())
    }

    public func finish() throws(XMLStreamError) -> [RecordOutcome] {
        let records = try reader.finish()
        guard let pipeline = startedPipeline() else { return records.compactMap(map) }
        return pipeline.submit(records, context: contextFixed(by: records), tracing: collectsTrace) + pipeline.drain()
    }

    /// Outcomes still being mapped on workers, for a caller that stops early (an XML error after them).
    public func drainPending() -> [RecordOutcome] {
        pipeline?.drain() ?? []
    }

    /// Batch values read from the document root; complete after `finish()`.
    public var batchInfo: BatchInfo {
        guard let root = reader.documentContext else { return BatchInfo() }
        return Self.batchInfo(spec: mapper.spec.batch, root: root)
    }

    static func batchInfo(spec: BatchSpec, root: XMLElementNode) -> BatchInfo {
        batchInfo(spec: spec, scope: PathScope(tree: RecordTree(record: root, ancestors: []), context: 0))
    }

    /// Batch values read with the document root as context.
    static func batchInfo(spec: BatchSpec, scope: PathScope) -> BatchInfo {
        let evaluator = ValueEvaluator()
        func value(_ expression: ValueExpression?) -> String? {
            guard let expression else { return nil }
            return evaluator.evaluate(expression, in: scope, field: "batch").first?.text
        }
        return BatchInfo(number: value(spec.number), system: value(spec.system), generatedAt: value(spec.generatedAt))
    }

    /// The context records are mapped in: the batch number comes from the document, read at its first record.
    private func contextFixed(by records: [XMLStreamedRecord]) -> TranslationContext {
        if let first = records.first { adoptBatchNumber(from: first) }
        return context
    }

    private func map(_ streamed: XMLStreamedRecord) -> RecordOutcome? {
        adoptBatchNumber(from: streamed)
        return mapper.map(streamed, context: context, tracing: collectsTrace, workspace: &workspace)
    }

    private func adoptBatchNumber(from streamed: XMLStreamedRecord) {
        if batchIdFromDocument, batchNumber == nil, !streamed.ancestors.isEmpty {
            let tree = RecordTree(streamed, names: &workspace.names)
            batchNumber = Self.batchInfo(spec: mapper.spec.batch, scope: PathScope(tree: tree, context: tree.root)).number
            if let batchNumber { context.batchId = batchNumber }
        }
    }
}
