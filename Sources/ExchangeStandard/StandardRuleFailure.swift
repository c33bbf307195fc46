/// A value that broke a rule of the data standard, in the form a rejection carries it.
///
/// Every failure names a stable `rule` (`"uscc.checkDigit"`, `"amount.unitMissing"` …) that operators,
/// receipts and metrics can key on, an English `message` for logs and operators, and a `chineseMessage`
/// for the department users who read rejections in the gateway's default language.
public protocol StandardRuleFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, dotted rule code: `<value kind>.<rule>`. New codes may be added; existing ones never change meaning.
    var rule: String { get }
    /// English explanation with the context needed to fix the value.
    var message: String { get }
    /// Chinese explanation for department users.
    var chineseMessage: String { get }
}

extension StandardRuleFailure {
    public var description: String { "\(rule): \(message)" }
}

/// The outcome of checking a value against a rule set of the standard: valid, or the first rule it broke.
///
/// Rules are checked in a documented order (e.g. length before characters before check digits), so the failure
/// reported is the most basic one; a later rule is not evaluated on a value that already broke an earlier one.
public enum StandardCheckResult<Failure: StandardRuleFailure>: Hashable, Sendable {
    case valid
    case invalid(Failure)

    /// True when every rule holds.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The rule that failed, nil when valid.
    public var failure: Failure? {
        if case .invalid(let failure) = self { return failure }
        return nil
    }

    /// Throws the failure, for callers that prefer `try`.
    public func get() throws(Failure) {
        if case .invalid(let failure) = self { throw failure }
    }
}
