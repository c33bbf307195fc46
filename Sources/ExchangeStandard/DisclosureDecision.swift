/// A record that is an administrative decision, which shortens its disclosure deadline to 7 working days
/// (行政许可、行政处罚决定 — `catalog.md`, "Deadlines").
///
/// Mappings flag records (`decision: licensing` / `decision: penalty`); an item type may name the decision its
/// records are by default (every `*.CREDIT` item: `penalty`).
public enum DisclosureDecision: String, Hashable, Sendable, Codable, CaseIterable {
    /// 行政许可决定.
    case licensing
    /// 行政处罚决定 (and, by the catalog's default for credit items, findings of dishonest conduct).
    case penalty
}
