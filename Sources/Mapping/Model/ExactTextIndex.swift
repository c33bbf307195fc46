/// A code table's entries found by the exact UTF-8 bytes of the text, beside the table's dictionary.
///
/// A `[String: String]` lookup hashes the text in Unicode normal form, and for Chinese codes (`公开招标公告`) that
/// normalisation was most of the lookup, itself a twentieth of mapping a record (make bench-profile). Bytes that
/// equal a key's are that key, so a hit here is the dictionary's answer; text that misses may still be canonically
/// equal to a key, and the caller then asks the dictionary.
final class ExactTextIndex: Sendable {
    private let keys: [[UInt8]]
    private let values: [String]
    private let hashes: [UInt64]
    /// Open addressing, linear probing: an index into `keys`, or -1.
    private let slots: [Int32]
    private let mask: Int

    init(_ entries: [String: String]) {
        var capacity = 8
        while capacity < entries.count * 2 { capacity *= 2 }
        var keys: [[UInt8]] = []
        var values: [String] = []
        var hashes: [UInt64] = []
        var slots = [Int32](repeating: -1, count: capacity)
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBufferPointer(Self.hash)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(keys.count)
            keys.append(bytes)
            values.append(value)
            hashes.append(hash)
        }
        self.keys = keys
        self.values = values
        self.hashes = hashes
        self.slots = slots
        mask = capacity - 1
    }

    /// The value of the key whose bytes are `text`'s, if any.
    func value(for text: String) -> String? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            let hash = Self.hash(bytes)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                if hashes[index] == hash, keys[index].withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return values[index] }
                slot = (slot + 1) & mask
            }
        } ?? nil
    }

    /// FNV-1a, 64 bits: codes are short, and the table is built from the mapping files, not from input.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
