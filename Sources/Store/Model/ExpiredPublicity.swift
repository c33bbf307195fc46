import ExchangeStandard

/// A credit record whose publicity period (公示截止期 `CF_GSJZQ`) is over while Credit Zhejiang still shows it.
public struct ExpiredPublicity: Hashable, Sendable {
    public var creditRecordId: String
    /// The latest version, which the takedown names.
    public var version: Int
    public var publicityEndsOn: LocalDate
    public var sourceSystem: String

    public init(creditRecordId: String, version: Int, publicityEndsOn: LocalDate, sourceSystem: String) {
        self.creditRecordId = creditRecordId
        self.version = version
        self.publicityEndsOn = publicityEndsOn
        self.sourceSystem = sourceSystem
    }
}
