/// A disclosure as the trading hub receives it (`spec/hub-record.md`).
public struct HubRecord: Hashable, Sendable, Codable {
    public var recordId: String
    public var version: Int
    public var action: RecordAction
    public var domain: String
    public var itemType: String
    public var regionCode: String
    public var source: SourceReference
    public var projectCode: String?
    public var projectName: String?
    public var title: String
    public var responsible: Party
    public var formedOn: LocalDate
    public var publishedOn: LocalDate?
    /// RFC 3339 with offset (`2024-10-08T09:30:00+08:00`).
    public var receivedAt: String
    public var dueOn: LocalDate
    public var late: Bool
    public var parties: [Party]?
    public var amounts: [MoneyAmount]?
    public var fields: [String: JSONValue]?
    public var documents: [DocumentLink]?
    public var redacted: [String]?
    public var creditRecordIds: [String]?

    public init(
        recordId: String, version: Int, action: RecordAction, domain: String, itemType: String, regionCode: String,
        source: SourceReference, projectCode: String? = nil, projectName: String? = nil, title: String, responsible: Party,
        formedOn: LocalDate, publishedOn: LocalDate? = nil, receivedAt: String, dueOn: LocalDate, late: Bool,
        parties: [Party]? = nil, amounts: [MoneyAmount]? = nil, fields: [String: JSONValue]? = nil,
        documents: [DocumentLink]? = nil, redacted: [String]? = nil, creditRecordIds: [String]? = nil
    ) {
        self.recordId = recordId
        self.version = version
        self.action = action
        self.domain = domain
        self.itemType = itemType
        self.regionCode = regionCode
        self.source = source
        self.projectCode = projectCode
        self.projectName = projectName
        self.title = title
        self.responsible = responsible
        self.formedOn = formedOn
        self.publishedOn = publishedOn
        self.receivedAt = receivedAt
        self.dueOn = dueOn
        self.late = late
        self.parties = parties
        self.amounts = amounts
        self.fields = fields
        self.documents = documents
        self.redacted = redacted
        self.creditRecordIds = creditRecordIds
    }
}
