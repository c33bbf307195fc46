import Foundation
import XMLStream

/// Small integers for the element names mapping paths mention, so that a path step tests a name
/// with one integer comparison instead of comparing strings (Chinese element names compare slowly).
///
/// Only names written in mapping files are registered, when their paths are parsed; names met in
/// documents are looked up, never added, so what department systems send cannot grow the table.
final class NameRegistry: @unchecked Sendable {
    static let shared = NameRegistry()

    /// Returned for a name no path mentions: it can only match wildcards.
    static let unknown: Int32 = -1
    /// Names registered at most. Past it (many mapping texts tried in the console, say) new names get no id and
    /// their steps compare names as text: slower, never wrong, and the table stays bounded.
    let capacity: Int

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    private let lock = NSLock()
    private var ids: [XMLQualifiedName: Int32] = [:]

    /// The name's id, registering it when new; `unknown` once the registry is full.
    func register(_ name: XMLQualifiedName) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return id }
        guard ids.count < capacity else { return Self.unknown }
        let id = Int32(ids.count)
        ids[name] = id
        return id
    }

    /// How many names are registered: ids below it existed when it was read.
    var generation: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return Int32(ids.count)
    }

    /// The id of a registered name, or `unknown`.
    func lookup(_ name: XMLQualifiedName) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        return ids[name] ?? Self.unknown
    }
}

/// A per-batch cache in front of the registry: a batch uses a few dozen names over and over.
///
/// Streamed records number their element names in the reader's table (`XMLNameTable`): those are resolved by
/// index, once per name and table, without hashing the name for every element of every record.
///
/// It also keeps the part of the last `RecordTree` built through it that the record's ancestors make, whose name
/// ids it resolved: the next record below the same ancestors reuses it.
struct NameLookupCache {
    var lastAncestorPart: RecordTree.AncestorPart?
    private var cache: [XMLQualifiedName: Int32] = [:]
    private var generation: Int32 = -1
    /// Registry ids by index in the table of `lineage`; `unresolved` where not looked up yet.
    private var byTableIndex: [Int32] = []
    /// Held, not only compared: a lineage that stays alive cannot be replaced by another at the same address.
    private var lineage: XMLNameTable.Lineage?
    private static let unresolved: Int32 = -2

    /// Forgets what was looked up when names were registered since (a mapping loaded meanwhile), and
    /// returns the registry's generation: names with ids from it on may be `unknown` in what follows.
    mutating func synchronize() -> Int32 {
        let current = NameRegistry.shared.generation
        if current != generation {
            cache.removeAll(keepingCapacity: true)
            byTableIndex.removeAll(keepingCapacity: true)
            generation = current
        }
        return current
    }

    mutating func id(of name: XMLQualifiedName) -> Int32 {
        if let id = cache[name] { return id }
        let id = NameRegistry.shared.lookup(name)
        // A document that invents names cannot grow the cache without bound.
        if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
        cache[name] = id
        return id
    }

    /// The ids of the names at `indices` in `table`, in order: the table's lineage is checked once for all of
    /// them (checking it per element retained and released it for every element of every record).
    mutating func ids(at indices: some Sequence<Int32>, in table: XMLNameTable, _ body: (Int32) -> Void) {
        guard let tableLineage = table.lineage else {
            for index in indices { body(id(of: table.names[Int(index)])) }
            return
        }
        if tableLineage !== lineage {
            byTableIndex.removeAll(keepingCapacity: true)
            lineage = tableLineage
        }
        for index in indices { body(resolvedID(at: index, in: table)) }
    }

    /// The id of the name at `index` in `table`, once `table`'s lineage is the one `byTableIndex` is for.
    private mutating func resolvedID(at index: Int32, in table: XMLNameTable) -> Int32 {
        let slot = Int(index)
        if slot < byTableIndex.count, byTableIndex[slot] != Self.unresolved { return byTableIndex[slot] }
        let id = id(of: table.names[slot])
        if slot >= byTableIndex.count { byTableIndex.append(contentsOf: repeatElement(Self.unresolved, count: slot + 1 - byTableIndex.count)) }
        byTableIndex[slot] = id
        return id
    }
}
