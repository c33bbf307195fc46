import CompressNIO
import Crypto
import ExchangeStandard
import Foundation
import Logging
import Mapping
import NIOCore
import Store
import XMLStream

/// What an ingest request comes to: the HTTP status and the JSON body to answer with.
public struct IngestResponse: Sendable {
    public var status: Int
    public var body: Data
    public var retryAfter: Int?
}

/// Takes one department batch from the wire into the store: the body streams through gzip decoding,
/// SHA-256, a spool file (the raw batch kept for replay) and the mapping at once, one record tree at a
/// time; the store then commits raw batch, receipt, versions, rejections, outbox and audit link in one
/// transaction. Malformed or refused XML stores nothing.
///
/// The mapping set is read from the registry once, when the batch starts: a reload while the body streams does not
/// change how the rest of this batch is mapped, and the receipt and every record name the file hash of the mapping
/// that actually produced them.
public struct BatchIngestor: Sendable {
    public let store: any GatewayStore
    public let mappings: MappingRegistry
    public let configuration: GatewayConfiguration
    public let logger: Logger
    let metrics: GatewayMetrics?

    public init(
        store: any GatewayStore, mappings: MappingRegistry, configuration: GatewayConfiguration, logger: Logger, metrics: GatewayMetrics? = nil
    ) {
        self.store = store
        self.mappings = mappings
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    private struct Refusal: Error {
        var status: Int
        var code: String
        var message: String
        var position: XMLPosition?

        init(status: Int, code: String, message: String, position: XMLPosition? = nil) {
            self.status = status
            self.code = code
            self.message = message
            self.position = position
        }

        /// Malformed or refused XML is the sender's to fix (400); a batch over the size or record limit is 413.
        init(_ error: XMLStreamError) {
            let tooLarge = error.code == .sizeLimit || error.code == .recordLimit
            self.init(status: tooLarge ? 413 : 400, code: error.code.rawValue, message: error.message, position: error.position)
            chinese = error.code.chineseDescription
        }

        var chinese: String?
    }

    public func ingest<Body: AsyncSequence & Sendable>(
        source: GatewayConfiguration.Source, body: Body, gzip: Bool, language: MessageLanguage, receivedAt: Date = Date()
    ) async -> IngestResponse where Body.Element == ByteBuffer {
        let started = ContinuousClock.now
        let (response, outcome) = await ingestBatch(source: source, body: body, gzip: gzip, language: language, receivedAt: receivedAt)
        metrics?.batch(source: source.id, outcome: outcome, duration: started.duration(to: .now))
        return response
    }

    private func ingestBatch<Body: AsyncSequence & Sendable>(
        source: GatewayConfiguration.Source, body: Body, gzip: Bool, language: MessageLanguage, receivedAt: Date
    ) async -> (IngestResponse, GatewayMetrics.BatchOutcome) where Body.Element == ByteBuffer {
        let system = source.mapping ?? source.id
        // Read once: the whole batch maps with this set, whatever reloads happen meanwhile.
        let mappingSet = mappings.current
        guard let mapper = mappingSet.mapper(for: system) else {
            return (Self.error(500, "mapping_missing", "no mapping loaded for \(system)", language: language), .failed)
        }
        let spoolDirectory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("spool")
        try? FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)
        let spool = spoolDirectory.appendingPathComponent(UUID().uuidString + ".xml")
        defer { try? FileManager.default.removeItem(at: spool) }

        let receivedAtText = Self.rfc3339Beijing(receivedAt)
        let receivedOn = LocalDate(receivedAt, utcOffsetSeconds: 8 * 3600)
        var limits = XMLStreamLimits()
        limits.maxBytes = configuration.limits.maxBatchBytes
        limits.maxRecords = configuration.limits.maxRecordsPerBatch
        let translator = BatchTranslator(
            mapper: mapper, context: TranslationContext(sourceSystem: source.id, batchId: "", receivedAt: receivedAtText, receivedOn: receivedOn),
            limits: limits)
        // Records are mapped on worker threads while this task reads the body; it awaits them, never blocks.
        translator.mappingThreads = configuration.limits.mappingThreadsPerBatch
        translator.mayBlock = false
        var outcomes: [RecordOutcome] = []
        var hasher = SHA256()
        var byteCount: Int64 = 0

        do {
            guard FileManager.default.createFile(atPath: spool.path, contents: nil), let handle = FileHandle(forWritingAtPath: spool.path) else {
                throw Refusal(status: 500, code: "spool", message: "cannot write the upload spool under \(spoolDirectory.path)")
            }
            defer { try? handle.close() }
            let decompressor: (any NIODecompressor)? = gzip ? CompressionAlgorithm.gzip().decompressor : nil
            if let decompressor {
                decompressor.window = ByteBufferAllocator().buffer(capacity: 64 << 10)
                try decompressor.startStream()
            }
            func consume(_ buffer: ByteBuffer) throws {
                byteCount += Int64(buffer.readableBytes)
                if byteCount > Int64(configuration.limits.maxBatchBytes) {
                    throw Refusal(status: 413, code: "too_large", message: "the batch is larger than \(configuration.limits.maxBatchBytes) bytes")
                }
                buffer.withUnsafeReadableBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    handle.write(Data(bytes))
                }
                do {
                    outcomes += try translator.feed(buffer.readableBytesView)
                } catch {
                    throw Refusal(error)
                }
            }
            for try await var chunk in body {
                if let decompressor {
                    do {
                        try chunk.decompressStream(with: decompressor) { try consume($0) }
                    } catch let refusal as Refusal {
                        throw refusal
                    } catch {
                        throw Refusal(status: 400, code: "gzip", message: "the body is not valid gzip: \(error)")
                    }
                } else {
                    try consume(chunk)
                }
                outcomes += await translator.awaitBacklog()
            }
            if let decompressor { try? decompressor.finishStream() }
            do {
                outcomes += try await translator.finishAwaitingWorkers()
            } catch {
                throw Refusal(error)
            }
        } catch let refusal as Refusal {
            logger.notice(
                "batch refused",
                metadata: [
                    "source": "\(source.id)", "code": "\(refusal.code)", "status": "\(refusal.status)",
                    "line": "\(refusal.position?.line ?? 0)", "column": "\(refusal.position?.column ?? 0)",
                ])
            return (
                Self.error(
                    refusal.status, refusal.code, refusal.message, position: refusal.position, language: language,
                    chineseLabel: refusal.chinese ?? ErrorMessages.chinese[refusal.code]), refusal.status >= 500 ? .failed : .refused
            )
        } catch {
            return (Self.error(400, "body", "the request body could not be read: \(error)", language: language), .refused)
        }

        let authorization = SourceAuthorization(source: source)
        var drafts: [RecordDraft] = []
        var rejections: [RejectionDraft] = []
        for outcome in outcomes {
            switch outcome {
            case .rejected(let rejection):
                rejections.append(Self.draft(rejection, language: language))
            case .mapped(let record):
                let forbidden = authorization.problems(for: record.hub)
                if !forbidden.isEmpty {
                    rejections.append(
                        Self.draft(
                            RecordRejection(
                                sourceRecordId: record.sourceRecordId, recordSpec: record.recordSpec, line: record.line, column: record.column,
                                problems: forbidden), language: language))
                    continue
                }
                let trace = Self.traceJSON(record.trace)
                drafts.append(
                    RecordDraft(
                        sourceRecordId: record.sourceRecordId, hub: record.hub, contentHash: record.contentHash,
                        credits: record.credits.map {
                            CreditDraft(record: $0.record, contentHash: $0.contentHash, publishOnCreditZhejiang: $0.publishOnCreditZhejiang)
                        },
                        withdraw: record.sourceAction == .withdraw, trace: trace))
            }
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let submission = BatchSubmission(
            sourceSystem: source.id, batchNumber: translator.batchInfo.number, bodySHA256: digest,
            body: RawBatchBody(path: spool.path, byteCount: byteCount), receivedAt: receivedAtText, receivedOn: receivedOn,
            mappingVersion: mapper.spec.fileHash, records: drafts, rejections: rejections)
        do {
            switch try await store.commitBatch(submission) {
            case .committed(let stored):
                log(stored.receipt)
                metrics?.records(source: source.id, receipt: stored.receipt)
                return (IngestResponse(status: 201, body: stored.json), .accepted)
            case .duplicate(let stored):
                logger.info("batch resent; first receipt returned", metadata: ["source": "\(source.id)", "batch.id": "\(stored.receipt.batchId)"])
                return (IngestResponse(status: 200, body: stored.json), .duplicate)
            case .conflict(let conflict):
                logger.notice(
                    "batch number reused for other content",
                    metadata: ["source": "\(source.id)", "batch.id": "\(conflict.batchId)", "batch.number": "\(submission.batchNumber ?? "")"])
                return (
                    Self.error(
                        409, "batch_conflict",
                        language == .english
                            ? "batch \(submission.batchNumber ?? "") was already received with different content (batch \(conflict.batchId)); send it under a new batch number"
                            : "批次 \(submission.batchNumber ?? "") 已以不同内容接收（批次 \(conflict.batchId)），请使用新的批次号重新报送",
                        language: language, raw: true), .conflict
                )
            }
        } catch {
            logger.error("store commit failed", metadata: ["source": "\(source.id)", "error": "\(error)"])
            return (
                Self.error(
                    503, "store_unavailable", "the batch could not be stored; nothing was kept, send it again: \(error)", language: language,
                    retryAfter: 5),
                .failed
            )
        }
    }

    /// One line per batch, one per rejected record and (at debug) one per accepted record, each carrying `batch.id`
    /// and the record's ids, so that a department's question about a record can be answered from the log alone.
    private func log(_ receipt: BatchReceipt) {
        var logger = logger
        logger[metadataKey: "batch.id"] = "\(receipt.batchId)"
        logger[metadataKey: "source"] = "\(receipt.sourceSystem)"
        logger.info(
            "batch accepted",
            metadata: [
                "batch.number": "\(receipt.batchNumber ?? "")", "accepted": "\(receipt.accepted.count)", "rejected": "\(receipt.rejected.count)",
                "mappings.version": "\(receipt.mappingVersion)",
            ])
        for rejected in receipt.rejected {
            logger.info(
                "record rejected",
                metadata: [
                    "source.record.id": "\(rejected.sourceRecordId)", "rules": "\(Set(rejected.errors.map(\.rule)).sorted().joined(separator: ","))",
                ])
        }
        guard logger.logLevel <= .debug else { return }
        for accepted in receipt.accepted {
            logger.debug(
                "record accepted",
                metadata: [
                    "source.record.id": "\(accepted.sourceRecordId)", "record.id": "\(accepted.recordId)", "record.version": "\(accepted.version)",
                    "record.action": "\(accepted.action.rawValue)", "record.late": "\(accepted.late)",
                    "credit.record.ids": "\(accepted.creditRecordIds.joined(separator: ","))",
                ])
        }
    }

    static func draft(_ rejection: RecordRejection, language: MessageLanguage) -> RejectionDraft {
        RejectionDraft(
            sourceRecordId: rejection.sourceRecordId ?? "(line \(rejection.line))",
            errors: rejection.problems.map { RejectionError(field: $0.field, rule: $0.rule, value: $0.value, message: $0.message(language)) })
    }

    static func rfc3339Beijing(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssXXXXX"
        return formatter.string(from: date)
    }

    /// An error answer: `{"error": {"code", "message", "line"?, "column"?}}`, in the reader's language.
    static func error(
        _ status: Int, _ code: String, _ message: String, position: XMLPosition? = nil, language: MessageLanguage, raw: Bool = false,
        retryAfter: Int? = nil, chineseLabel: String? = nil
    ) -> IngestResponse {
        var text = message
        if !raw, language == .chinese, let label = chineseLabel ?? ErrorMessages.chinese[code] {
            let place = position.map { "（第 \($0.line) 行第 \($0.column) 列）" } ?? ""
            text = "\(label)\(place)：\(message)"
        }
        var object: [String: JSONValue] = ["code": .string(code), "message": .string(text)]
        if let position {
            object["line"] = .number(String(position.line))
            object["column"] = .number(String(position.column))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(JSONValue.object(["error": .object(object)]))) ?? Data()
        return IngestResponse(status: status, body: body, retryAfter: retryAfter)
    }
}

extension BatchIngestor {
    /// A record's trace as stored beside it: `StoredTrace`'s compact JSON, written without `JSONEncoder` (once per record).
    static func traceJSON(_ trace: [TraceEntry]) -> Data {
        Data(StoredTrace.encode(trace))
    }
}

enum ErrorMessages {
    static let chinese: [String: String] = [
        "too_large": "批次超过大小上限", "gzip": "gzip 压缩数据无效", "mapping_missing": "未加载该系统的映射", "spool": "无法写入接收缓存",
        "store_unavailable": "存储暂不可用", "body": "无法读取请求体",
    ]
}
