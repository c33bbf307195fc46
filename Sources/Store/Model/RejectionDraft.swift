/// A source record that did not make it, with every reason found.
public struct RejectionDraft: Hashable, Sendable, Codable {
    public var sourceRecordId: String
    public var errors: [RejectionError]

    public init(sourceRecordId: String, errors: [RejectionError]) {
        self.sourceRecordId = sourceRecordId
        self.errors = errors
    }
}

/// One reason a record was rejected: the field, the rule it broke, the offending value and a sentence.
public struct RejectionError: Hashable, Sendable, Codable {
    /// The field path in the hub or credit record (`responsible.uscc`, `CF_JDRQ`), nil for the record as a whole.
    public var field: String?
    /// A stable rule name (`required`, `uscc_check_digit`, `withdraw_unknown` …).
    public var rule: String
    /// The offending value as the source sent it, nil when absent or withheld.
    public var value: String?
    public var message: String

    public init(field: String?, rule: String, value: String?, message: String) {
        self.field = field
        self.rule = rule
        self.value = value
        self.message = message
    }

    /// The rule the store itself applies: a withdrawal of a record the gateway has never accepted.
    public static let withdrawUnknownRule = "withdraw_unknown"
}
