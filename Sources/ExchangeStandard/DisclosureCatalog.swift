/// The disclosure catalog (主动公开目录): domains, item types and their deadlines, loaded from
/// `Mappings/catalog.yaml` (decoded by the Mapping module with Yams; this module only defines the shape).
///
/// Decoding checks the data an integrator edits: unknown keys (a misspelt `decison:` would silently change a
/// deadline), duplicate or malformed codes, item types of unlisted domains, deadlines below one working day.
public struct DisclosureCatalog: Hashable, Sendable, Decodable {
    /// Version label of the catalog data.
    public let version: String?
    /// Deadlines of records that are administrative decisions.
    public let decisionDeadlines: DecisionDeadlines
    /// Domains in file order.
    public let domains: [Domain]
    /// Item types in file order.
    public let itemTypes: [ItemType]

    private let domainIndex: [String: Int]
    private let itemTypeIndex: [String: Int]

    /// Builds and checks a catalog.
    public init(
        version: String? = nil, decisionDeadlines: DecisionDeadlines, domains: [Domain], itemTypes: [ItemType]
    ) throws(CatalogError) {
        var domainIndex: [String: Int] = [:]
        for (index, domain) in domains.enumerated() {
            guard Self.isCodePart(domain.code) else { throw .invalidCode(domain.code) }
            guard domainIndex.updateValue(index, forKey: domain.code) == nil else { throw .duplicateCode(domain.code) }
        }
        var itemTypeIndex: [String: Int] = [:]
        for (index, itemType) in itemTypes.enumerated() {
            let parts = itemType.code.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, Self.isCodePart(parts[0]), Self.isCodePart(parts[1]) else { throw .invalidCode(itemType.code) }
            guard domainIndex[String(parts[0])] != nil else { throw .unknownDomain(String(parts[0])) }
            guard itemType.deadline.workingDays >= 1 else {
                throw .invalidDeadline(code: itemType.code, workingDays: itemType.deadline.workingDays)
            }
            guard itemTypeIndex.updateValue(index, forKey: itemType.code) == nil else { throw .duplicateCode(itemType.code) }
        }
        for decision in DisclosureDecision.allCases where decisionDeadlines[decision].workingDays < 1 {
            throw .invalidDeadline(code: decision.rawValue, workingDays: decisionDeadlines[decision].workingDays)
        }
        self.version = version
        self.decisionDeadlines = decisionDeadlines
        self.domains = domains
        self.itemTypes = itemTypes
        self.domainIndex = domainIndex
        self.itemTypeIndex = itemTypeIndex
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case version, decisionDeadlines, domains, itemTypes
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                version: container.decodeIfPresent(String.self, forKey: .version),
                decisionDeadlines: container.decode(DecisionDeadlines.self, forKey: .decisionDeadlines),
                domains: container.decode([Domain].self, forKey: .domains),
                itemTypes: container.decode([ItemType].self, forKey: .itemTypes)
            )
        } catch let error as CatalogError {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error)
            )
        }
    }

    // MARK: - Lookups

    /// The domain with this code, nil when the catalog has none.
    public func domain(code: String) -> Domain? {
        domainIndex[code].map { domains[$0] }
    }

    /// Whether the catalog has a domain with this code: asked for every record, where `domain(code:)` copied the
    /// domain only to compare it with nil.
    public func hasDomain(code: String) -> Bool {
        domainIndex[code] != nil
    }

    /// The item type with this code (`LAND.DEAL_PUBLICITY`), nil when the catalog has none.
    public func itemType(code: String) -> ItemType? {
        itemTypeIndex[code].map { itemTypes[$0] }
    }

    /// The item types of a domain, in file order.
    public func itemTypes(inDomain code: String) -> [ItemType] {
        itemTypes.filter { $0.domain == code }
    }

    /// The item type of a domain that carries its violation records (`credit: true`), if any.
    public func creditItemType(inDomain code: String) -> ItemType? {
        itemTypes.first { $0.domain == code && $0.credit }
    }

    /// Working days a record of this item type has to be disclosed.
    ///
    /// - Parameter decision: what the mapping flagged the record as; nil means "not flagged", and the item
    ///   type's own ``ItemType/decision`` applies (`penalty` for `*.CREDIT`). A decision, flagged or by
    ///   default, gets ``decisionDeadlines`` (7); anything else the item type's ``ItemType/deadline`` (20).
    public func deadlineWorkingDays(itemType code: String, decision: DisclosureDecision? = nil) throws(CatalogError) -> Int {
        guard let itemType = itemType(code: code) else { throw .unknownItemType(code) }
        return deadlineWorkingDays(of: itemType, decision: decision)
    }

    /// ``deadlineWorkingDays(itemType:decision:)`` for an item type already looked up (the mapping looks it up once
    /// per record for every check that needs it).
    public func deadlineWorkingDays(of itemType: ItemType, decision: DisclosureDecision? = nil) -> Int {
        if let decision = decision ?? itemType.decision {
            return decisionDeadlines[decision].workingDays
        }
        return itemType.deadline.workingDays
    }

    /// Upper-case ASCII letters, digits and `_`, starting with a letter.
    private static func isCodePart(_ text: some StringProtocol) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
