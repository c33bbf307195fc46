extension MoneyAmount {
    /// A hub amount from a parsed ``Amount``: 元 with two decimals (rounded half-up), currency CNY.
    ///
    /// The hub's amount has no per-year marker: a mapping that reads `85.2万元/年` names that in `kind`
    /// (e.g. `annualRent`).
    public init(kind: String, amount: Amount) {
        self.init(kind: kind, value: amount.yuanString, currency: "CNY")
    }
}
