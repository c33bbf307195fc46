import ExchangeStandard

/// The exchange's reference data a mapping runs against: the disclosure catalog and the working-day calendar.
public struct StandardData: Sendable {
    public var catalog: DisclosureCatalog
    public var calendar: WorkingDayCalendar

    public init(catalog: DisclosureCatalog, calendar: WorkingDayCalendar) {
        self.catalog = catalog
        self.calendar = calendar
    }
}

/// Per-batch facts a mapping needs that are not in the document: who sent it and when it arrived.
public struct TranslationContext: Sendable {
    public var sourceSystem: String
    public var batchId: String
    /// RFC 3339 with +08:00.
    public var receivedAt: String
    /// The Beijing calendar day of `receivedAt`: the reference for `late` when the source gives no publication day.
    public var receivedOn: LocalDate

    public init(sourceSystem: String, batchId: String, receivedAt: String, receivedOn: LocalDate) {
        self.sourceSystem = sourceSystem
        self.batchId = batchId
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
    }
}

/// Where an output field came from: the mapping rule and the input that fed it.
public struct TraceEntry: Hashable, Sendable, Codable {
    /// The mapping rule, `file:line:column`.
    public var rule: String
    /// Output field (`title`, `parties[1].idNumber`, `credit[0].CF_NR_FK`).
    public var field: String
    /// The source expression (`公告标题`, `ancestor::TenderProject/Owner/@name`).
    public var source: String
    /// `line:column` in the input of the element the value came from; nil for constants.
    public var at: String?

    /// A whole trace as a JSON array: how `translate --trace` prints it and the operator API shows it (the gateway
    /// stores it compact, see `StoredTrace`).
    public static func write(_ trace: [TraceEntry], to writer: inout CanonicalJSONWriter) {
        writer.beginArray()
        for (index, entry) in trace.enumerated() {
            if index > 0 { writer.comma() }
            entry.write(to: &writer)
        }
        writer.endArray()
    }

    /// The entry as `JSONEncoder` with sorted keys writes it.
    public func write(to writer: inout CanonicalJSONWriter) {
        var first = true
        writer.beginObject()
        if let at {
            writer.key("at", first: &first)
            writer.string(at)
        }
        writer.key("field", first: &first)
        writer.string(field)
        writer.key("rule", first: &first)
        writer.string(rule)
        writer.key("source", first: &first)
        writer.string(source)
        writer.endObject()
    }
}

extension TraceEntry {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`rule` before `field`), so that the two
    /// initializers differ.
    public init(field: String, rule: String, source: String, at: String?) {
        self.init(rule: rule, field: field, source: source, at: at)
    }
}

/// A source record mapped and validated: its hub record, the credit records derived from it, and the trace.
public struct MappedRecord: Sendable {
    public var sourceRecordId: String
    public var recordSpec: String
    public var hub: HubRecord
    public var credits: [MappedCreditRecord]
    /// The source's own flag: `withdraw` retracts; `publish`/`correct` are decided against history by the store.
    public var sourceAction: RecordAction
    public var trace: [TraceEntry]
    public var line: Int
    public var column: Int

    /// SHA-256 of the record's content without version, action and arrival facts: equal hashes mean "unchanged".
    /// Computed when asked for (the store asks once per record): `translate` of a single file never needs it,
    /// and two canonical JSON texts and digests per record were a twentieth of its time (make bench-profile).
    public var contentHash: String { RecordMapper.contentHash(of: hub) }
}

public struct MappedCreditRecord: Sendable {
    public var record: CreditRecord
    /// False for penalties whose only categories are 警告 and 通报批评: they go to the credit platform, not to Credit Zhejiang.
    public var publishOnCreditZhejiang: Bool

    /// Computed when asked for, as ``MappedRecord/contentHash`` is.
    public var contentHash: String { RecordMapper.contentHash(of: record) }
}

public enum RecordOutcome: Sendable {
    case mapped(MappedRecord)
    case rejected(RecordRejection)
}
