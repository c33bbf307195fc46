import Foundation

/// A code table's entries found by the exact UTF-8 bytes of the text, beside the table's dictionary.
///
/// A `[String: String]` lookup hashes the text in Unicode normal form, and for Chinese codes (`公开招标公告`) that
/// normalisation was most of the lookup, itself a twentieth of mapping a record (make bench-profile). Bytes that
/// equal a key's are that key, so a hit here is the dictionary's answer. Each key is also indexed in its NFC form,
/// so text that is its own NFC form and misses is no key at all (see ``lookup(_:)``); other text that misses may
/// still be canonically equal to a key, and the caller then asks the dictionary.
final class ExactTextIndex: Sendable {
    private let keys: [[UInt8]]
    private let values: [String]
    private let hashes: [UInt64]
    /// Open addressing, linear probing: an index into `keys`, or -1.
    private let slots: [Int32]
    private let mask: Int

    init(_ entries: [String: String]) {
        var capacity = 8
        var keys: [[UInt8]] = []
        var values: [String] = []
        var hashes: [UInt64] = []
        var slots: [Int32]
        // Each key's bytes, and its NFC form's when they differ. No two of these are equal: keys with the same NFC
        // form are one key of the dictionary.
        var forms: [([UInt8], String)] = []
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            forms.append((bytes, value))
            let normalized = Array(key.precomposedStringWithCanonicalMapping.utf8)
            if normalized != bytes { forms.append((normalized, value)) }
        }
        while capacity < forms.count * 2 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        for (bytes, value) in forms {
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

    /// What the index can tell of a text without the dictionary.
    enum Lookup: Equatable {
        /// The text's bytes are a key's, or the NFC form of one.
        case found(String)
        /// No key is canonically equal to the text.
        case absent
        /// The text missed but is not its own NFC form for certain: only the dictionary can tell.
        case unknown
    }

    /// The value of the key whose bytes (or NFC form's bytes) are `text`'s, if any.
    func value(for text: String) -> String? {
        if case .found(let value) = lookup(text) { return value }
        return nil
    }

    /// Finds `text` by its bytes. A miss is final when every character of the text is one that NFC neither
    /// decomposes nor composes with its neighbours (``isOwnNormalForm(_:)``): such text is canonically equal to a
    /// key only if it is that key's NFC form, and those are indexed. Chinese text that is no key (a code table
    /// tried before the one that has it) no longer falls through to the dictionary's normalising hash.
    func lookup(_ text: String) -> Lookup {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Lookup in
            let hash = Self.hash(bytes)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let index = Int(slots[slot])
                if index < 0 { break }
                if hashes[index] == hash, keys[index].withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) {
                    return .found(values[index])
                }
                slot = (slot + 1) & mask
            }
            return Self.isOwnNormalForm(bytes) ? .absent : .unknown
        } ?? .unknown
    }

    /// Whether UTF-8 text is made only of characters that have no canonical decomposition, combine with nothing
    /// and are combined with nothing: ASCII, CJK ideographs (basic block and extension A), CJK punctuation up to
    /// U+3029 (U+302A–U+302F are combining marks) and the full-width ASCII forms. Such text is in NFC, and so is
    /// canonically equal to another text only if that text's NFC form has the same bytes. A conservative test:
    /// `false` only sends the caller to the dictionary.
    static func isOwnNormalForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard lead & 0xF0 == 0xE0, index + 2 < bytes.count else { return false }
            let scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            switch scalar {
            case 0x3001...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E: index += 3
            default: return false
            }
        }
        return true
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
