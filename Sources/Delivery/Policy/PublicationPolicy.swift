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
        var record = PersonalDataMasking.masked(record)
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

    // MARK: - Credit Zhejiang

    /// `record` as Credit Zhejiang may publish it: the subject's 证件号码 masked, the legal representative's removed.
    public static func creditRecordForPublication(_ record: CreditRecord) -> CreditRecord {
        PersonalDataMasking.maskedForPublication(record)
    }

    /// False when every 处罚类别 in `CF_CFLB` is 警告 or 通报批评 (see `CreditRecord.isPublishableOnCreditZhejiang`).
    public static func shouldPublish(_ record: CreditRecord) -> Bool {
        record.isPublishableOnCreditZhejiang
    }
}
