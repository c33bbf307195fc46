/// The `deliveryId` (and `Idempotency-Key`) of a hub batch, derived from exactly which item versions it carries.
///
/// A batch resent with the same items gets the same key, so a hub that processed it but whose answer was lost replays
/// its first answer; a batch with other items gets another key. Two 64-bit FNV-1a hashes with different offsets over a
/// canonical list make a 128-bit value: accidental collisions are out of reach (the inputs are not adversarial), and
/// no cryptography library is needed. The item count and first id keep it readable in logs.
enum DeliveryID {
    static func make(destination: OutboxDestination, items: [OutboxItem]) -> String {
        let sorted = items.sorted { $0.id < $1.id }
        var canonical = destination.rawValue
        for item in sorted {
            canonical += "|\(item.id):\(item.recordId):\(item.version)"
        }
        let bytes = Array(canonical.utf8)
        let first = fnv1a(bytes, offset: 0xcbf2_9ce4_8422_2325)
        let second = fnv1a(bytes, offset: 0x6c62_272e_07bb_0142)
        return "dlv-\(sorted.first?.id ?? 0)-\(sorted.count)-\(hex(first))\(hex(second))"
    }

    private static func fnv1a(_ bytes: [UInt8], offset: UInt64) -> UInt64 {
        var hash = offset
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
