/// The character data since the last tag, gathered in memory that is kept from one text run to the next.
///
/// An `[UInt8]` did the same job, but emptying it with `removeAll(keepingCapacity:)` after every run went through
/// the array's generic `replaceSubrange`, and together with appending that was a seventh of the assembler's time
/// (make bench-profile). Here appending is a copy and emptying sets a count.
final class TextAccumulator {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Whether everything gathered so far is XML whitespace (space, tab, CR, LF).
    private(set) var isWhitespace = true

    /// What is kept after a run: more than this (a long text) is given back when the run is emptied.
    private static let keptCapacity = 1 << 16
    private static let initialCapacity = 256

    init() {
        capacity = Self.initialCapacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes gathered, valid until the next `append` or `removeAll`.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if isWhitespace {
            isWhitespace = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
        }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        (storage + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    func removeAll() {
        count = 0
        isWhitespace = true
        if capacity > Self.keptCapacity {
            storage.deallocate()
            capacity = Self.initialCapacity
            storage = .allocate(capacity: capacity)
        }
    }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }
}
