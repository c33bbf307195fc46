import ExchangeStandard

/// Which first publications the timeliness report covers. Unset ranges do not narrow.
public struct TimelinessQuery: Hashable, Sendable {
    public var formedOn: ClosedRange<LocalDate>?
    public var dueOn: ClosedRange<LocalDate>?
    public var sourceSystem: String?

    public init(formedOn: ClosedRange<LocalDate>? = nil, dueOn: ClosedRange<LocalDate>? = nil, sourceSystem: String? = nil) {
        self.formedOn = formedOn
        self.dueOn = dueOn
        self.sourceSystem = sourceSystem
    }
}

/// The columns the timeliness report needs from a hub record's first version (version 1).
public struct TimelinessRow: Hashable, Sendable {
    public var recordId: String
    public var version: Int
    public var action: RecordAction
    public var sourceSystem: String
    public var responsibleName: String
    public var responsibleUSCC: String?
    public var domain: String
    public var itemType: String
    public var regionCode: String
    public var formedOn: LocalDate
    public var dueOn: LocalDate
    public var publishedOn: LocalDate?
    public var receivedOn: LocalDate
    public var late: Bool

    public init(
        recordId: String, version: Int, action: RecordAction, sourceSystem: String, responsibleName: String,
        responsibleUSCC: String?, domain: String, itemType: String, regionCode: String, formedOn: LocalDate,
        dueOn: LocalDate, publishedOn: LocalDate?, receivedOn: LocalDate, late: Bool
    ) {
        self.recordId = recordId
        self.version = version
        self.action = action
        self.sourceSystem = sourceSystem
        self.responsibleName = responsibleName
        self.responsibleUSCC = responsibleUSCC
        self.domain = domain
        self.itemType = itemType
        self.regionCode = regionCode
        self.formedOn = formedOn
        self.dueOn = dueOn
        self.publishedOn = publishedOn
        self.receivedOn = receivedOn
        self.late = late
    }
}
