/// The legal kind of a party, as the hub record names it.
public enum PartyKind: String, Hashable, Sendable, Codable, CaseIterable {
    case legalPerson = "legal_person"
    case naturalPerson = "natural_person"
    case individualBusiness = "individual_business"
    case otherOrganization = "other_org"
}

/// A party to a record: responsible subject, purchaser, supplier, candidate, winner …
public struct Party: Hashable, Sendable, Codable {
    public var role: String
    public var name: String
    public var uscc: String?
    public var kind: PartyKind
    public var idType: String?
    public var idNumber: String?

    public init(
        role: String, name: String, uscc: String? = nil, kind: PartyKind = .legalPerson, idType: String? = nil,
        idNumber: String? = nil
    ) {
        self.role = role
        self.name = name
        self.uscc = uscc
        self.kind = kind
        self.idType = idType
        self.idNumber = idNumber
    }
}

/// A money amount on a hub record: always 元 with two decimals, as decimal text.
public struct MoneyAmount: Hashable, Sendable, Codable {
    public var kind: String
    public var value: String
    public var currency: String

    public init(kind: String, value: String, currency: String = "CNY") {
        self.kind = kind
        self.value = value
        self.currency = currency
    }
}

/// An attachment the source links.
public struct DocumentLink: Hashable, Sendable, Codable {
    public var name: String
    public var url: String
    public var sha256: String?

    public init(name: String, url: String, sha256: String? = nil) {
        self.name = name
        self.url = url
        self.sha256 = sha256
    }
}
