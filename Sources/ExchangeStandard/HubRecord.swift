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
    public var late: Bool
    public var dueOn: LocalDate
    public var parties: [Party]?
    public var amounts: [MoneyAmount]?
    public var fields: [String: JSONValue]?
    public var documents: [DocumentLink]?
    public var redacted: [String]?
    public var creditRecordIds: [String]?
}

extension HubRecord {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`late` before `dueOn`), so that the two
    /// initializers differ.
    public init(
        recordId: String, version: Int, action: RecordAction, domain: String, itemType: String, regionCode: String,
        source: SourceReference, projectCode: String? = nil, projectName: String? = nil, title: String, responsible: Party,
        formedOn: LocalDate, publishedOn: LocalDate? = nil, receivedAt: String, dueOn: LocalDate, late: Bool,
        parties: [Party]? = nil, amounts: [MoneyAmount]? = nil, fields: [String: JSONValue]? = nil,
        documents: [DocumentLink]? = nil, redacted: [String]? = nil, creditRecordIds: [String]? = nil
    ) {
        self.init(
            recordId: recordId, version: version, action: action, domain: domain, itemType: itemType, regionCode: regionCode,
            source: source, projectCode: projectCode, projectName: projectName, title: title, responsible: responsible,
            formedOn: formedOn, publishedOn: publishedOn, receivedAt: receivedAt, late: late, dueOn: dueOn, parties: parties,
            amounts: amounts, fields: fields, documents: documents, redacted: redacted, creditRecordIds: creditRecordIds)
    }
}
