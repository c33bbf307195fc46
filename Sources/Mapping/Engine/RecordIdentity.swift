/// Deterministic gateway ids: the same source record gets the same id on every node and every resend.
///
/// Hashes rather than readable concatenations, because source ids carry Chinese and punctuation
/// (`甬财采罚〔2024〕31号`) and the ids travel in URL paths (`/api/v1/publications/{creditRecordId}`).
public enum RecordIdentity {
    public static func hubRecordId(system: String, sourceRecordId: String) -> String {
        "H" + SHA256Digest.hex(of: "hub\u{0}\(system)\u{0}\(sourceRecordId)").prefix(24)
    }

    public static func creditRecordId(system: String, sourceRecordId: String, subject: String) -> String {
        "C" + SHA256Digest.hex(of: "credit\u{0}\(system)\u{0}\(sourceRecordId)\u{0}\(subject)").prefix(24)
    }
}
