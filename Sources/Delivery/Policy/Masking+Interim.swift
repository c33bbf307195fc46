// Interim: `PersonalDataMasking.maskIDNumber(_:)` is coming to ExchangeStandard with the same behaviour; at merge this
// file is deleted and the callers switch to it.

/// A personal 证件号码 as it may leave the gateway: the first 6 and the last 4 characters kept, `*` between
/// (`330302197905124786` → `330302********4786`).
///
/// A number of 10 characters or fewer would be shown whole by that rule; it is starred out entirely instead.
func maskIDNumber(_ number: String) -> String {
    let characters = Array(number)
    guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
    return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10) + String(characters.suffix(4))
}
