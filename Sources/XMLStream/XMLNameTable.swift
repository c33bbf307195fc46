/// The element names a reader has met, each stored once and numbered in the order met: a record's elements
/// point into it by index, so that the mapping engine looks a name up once per batch and not once per element
/// of every record (the lookup was 2.5 % of translating a batch, make bench-profile).
///
/// A record carries a snapshot (a copy-on-write array: nothing is copied unless the reader meets a new name
/// while records still hold the table). Every snapshot of one reader's table has the same ``lineage``, so an
/// index means the same name in all of them; a table built for one value tree has none.
public struct XMLNameTable: Sendable {
    /// Identifies the snapshots of one growing table, compared by identity.
    public final class Lineage: Sendable {
        init() {}
    }

    public internal(set) var names: [XMLQualifiedName] = []
    public let lineage: Lineage?

    /// A table of its own, for one record built in code.
    init() {
        lineage = nil
    }

    init(lineage: Lineage) {
        self.lineage = lineage
    }
}
