import ExchangeStandard
import Foundation

/// What may leave the gateway towards the public channels (trading hub, Credit Zhejiang), as pure functions.
///
/// The delivery protocols apply these to every record they send, whatever the store holds, so that masking does not
/// depend on the producer of the outbox having done it. The credit platform's pull feed (an authenticated government
/// channel) is not served from here and gets the records unmasked.
public enum PublicationPolicy {
    // MARK: - Trading hub

    /// `record` as the trading hub may see it: natural persons' `idNumber` masked in `responsible` and `parties`, and
    /// any field named in `redacted` removed from `fields`.
    public static func hubRecordForDelivery(_ record: HubRecord) -> HubRecord {
        var record = record
        record.responsible = maskedParty(record.responsible)
        record.parties = record.parties?.map(maskedParty)
        if let redacted = record.redacted, !redacted.isEmpty, var fields = record.fields {
            for name in redacted { fields[name] = nil }
            record.fields = fields
        }
        return record
    }

    /// Names listed in `redacted` that are still present in `fields`: the mapping should already have removed them, so
    /// a non-empty answer is a mapping bug to log (``hubRecordForDelivery(_:)`` strips them anyway).
    public static func leakedRedactedFields(in record: HubRecord) -> [String] {
        guard let redacted = record.redacted, let fields = record.fields else { return [] }
        return redacted.filter { fields[$0] != nil }
    }

    /// A party's `idNumber` is personal data when the party is a natural person, and also for an individual business
    /// (个体工商户), whose 证件号码 is its operator's personal ID.
    static func maskedParty(_ party: Party) -> Party {
        guard party.kind == .naturalPerson || party.kind == .individualBusiness, let number = party.idNumber else {
            return party
        }
        var party = party
        party.idNumber = maskIDNumber(number)
        return party
    }

    // MARK: - Credit Zhejiang

    /// `record` as Credit Zhejiang may publish it: the subject's 证件号码 (`CF_XDR_ZJHM`) masked for a 自然人 (and a
    /// 个体工商户, see ``maskedParty(_:)``), the legal representative's 证件号码 (`CF_FR_ZJHM`) removed.
    public static func creditRecordForPublication(_ record: CreditRecord) -> CreditRecord {
        var record = record
        if record.CF_XDR_LB != .organization, let number = record.CF_XDR_ZJHM {
            record.CF_XDR_ZJHM = maskIDNumber(number)
        }
        // A 法定代表人's 证件号码 is never published, masked or not.
        record.CF_FR_ZJHM = nil
        return record
    }

    /// 处罚类别 that alone do not make a record public on Credit Zhejiang.
    public static let unpublishedPenaltyCategories: Set<String> = ["警告", "通报批评"]

    /// False when every 处罚类别 in `CF_CFLB` (joined with `;`) is 警告 or 通报批评: such records go to the credit
    /// platform but not to Credit Zhejiang.
    ///
    /// Full-width `；` is accepted as a separator too, since sources type it; an empty `CF_CFLB` (invalid, rejected by
    /// validation) publishes rather than hides.
    public static func shouldPublish(_ record: CreditRecord) -> Bool {
        let categories = record.CF_CFLB
            .split(whereSeparator: { $0 == ";" || $0 == "；" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !categories.isEmpty else { return true }
        return !categories.allSatisfy(unpublishedPenaltyCategories.contains)
    }
}
