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
    public var kind: PartyKind
    public var uscc: String?
    public var idType: String?
    public var idNumber: String?
}

extension Party {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`kind` before `uscc`), so that the two
    /// initializers differ.
    public init(
        role: String, name: String, uscc: String? = nil, kind: PartyKind = .legalPerson, idType: String? = nil,
        idNumber: String? = nil
    ) {
        self.init(role: role, name: name, kind: kind, uscc: uscc, idType: idType, idNumber: idNumber)
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
