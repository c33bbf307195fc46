/// Deterministic gateway ids: the same source record gets the same id on every node and every resend.
///
/// Hashes rather than readable concatenations, because source ids carry Chinese and punctuation
/// (`甬财采罚〔2024〕31号`) and the ids travel in URL paths (`/api/v1/publications/{creditRecordId}`).
public enum RecordIdentity {
    public static func hubRecordId(system: String, sourceRecordId: String) -> String {
        SHA256Digest.identifier(marker: "H", digits: 24, joining: "hub", system, sourceRecordId)
    }

    public static func creditRecordId(system: String, sourceRecordId: String, subject: String) -> String {
        SHA256Digest.identifier(marker: "C", digits: 24, of: "credit", system, sourceRecordId, subject)
    }
}
