import Crypto
import ExchangeStandard
import Foundation

@testable import Store

/// Realistic records and batches, small enough to read in a test.
enum Fixture {
    /// 2024-10-08 09:30:00 +08:00.
    static let t0 = Date(timeIntervalSince1970: 1_728_351_000)
    static let receivedAt = "2024-10-08T09:30:00+08:00"
    static let receivedOn = LocalDate(year: 2024, month: 10, day: 8)!

    static func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    /// Deterministic gateway id from source system and source record id, as the mapping derives them.
    static func recordId(system: String, sourceRecordId: String) -> String {
        "R" + SHA256Digest.hex(of: Data("\(system)\u{0}\(sourceRecordId)".utf8)).prefix(20)
    }

    static func creditRecordId(system: String, sourceRecordId: String, subject: String) -> String {
        "C" + SHA256Digest.hex(of: Data("\(system)\u{0}\(sourceRecordId)\u{0}\(subject)".utf8)).prefix(20)
    }

    /// A 政府采购 result announcement by a Hangzhou purchaser.
    static func hubRecord(
        system: String = "zjzfcg", sourceRecordId: String, title: String? = nil, formedOn: LocalDate = date("2024-09-30"),
        dueOn: LocalDate = date("2024-10-10"), late: Bool = false, creditRecordIds: [String]? = nil
    ) -> HubRecord {
        HubRecord(
            recordId: recordId(system: system, sourceRecordId: sourceRecordId), version: 0, action: .publish,
            domain: "government_procurement", itemType: "award_result", regionCode: "330102",
            source: SourceReference(system: system, recordId: sourceRecordId, batchId: ""), projectCode: "ZJ-CG-\(sourceRecordId)",
            projectName: "上城区教育局多媒体教学设备采购项目", title: title ?? "上城区教育局多媒体教学设备采购项目中标结果公告",
            responsible: Party(role: "purchaser", name: "杭州市上城区教育局", uscc: "11330102002497123X", kind: .otherOrganization),
            formedOn: formedOn, publishedOn: formedOn, receivedAt: receivedAt, dueOn: dueOn, late: late,
            parties: [Party(role: "winner", name: "杭州某某科技有限公司", uscc: "91330106MA2H0XXX1Q")],
            amounts: [MoneyAmount(kind: "award", value: "1286000.00")], creditRecordIds: creditRecordIds)
    }

    /// A 行政处罚 of a supplier for false materials, derived from hub record `hubRecordId`.
    static func creditRecord(
        system: String = "zjzfcg", sourceRecordId: String, hubRecordId: String, subject: String = "杭州某某科技有限公司",
        fine: String = "0.615", decidedOn: LocalDate = date("2024-09-20"), publicityEndsOn: LocalDate? = date("2025-09-20")
    ) -> CreditRecord {
        CreditRecord(
            creditRecordId: creditRecordId(system: system, sourceRecordId: sourceRecordId, subject: subject), version: 0,
            action: .publish, recordKind: .penalty, domain: "government_procurement", regionCode: "330102",
            source: SourceReference(system: system, recordId: sourceRecordId, batchId: ""), hubRecordId: hubRecordId,
            severity: .general, CF_XDR_MC: subject, CF_XDR_LB: .organization, CF_XDR_SHXYM: "91330106MA2H0XXX1Q",
            CF_FRDB: "王某", CF_WSH: "杭上财采罚〔2024〕12号", CF_WFXW: "提供虚假材料谋取中标",
            CF_SY: "在上城区教育局多媒体教学设备采购项目中提供虚假业绩证明材料", CF_YJ: "《中华人民共和国政府采购法》第七十七条第一款第（一）项",
            CF_CFLB: "罚款", CF_NR: "处采购金额千分之五的罚款", CF_NR_FK: fine, CF_JDRQ: decidedOn, CF_YXQ: date("2027-09-20"),
            CF_GSJZQ: publicityEndsOn, CF_CFJG: "杭州市上城区财政局", CF_CFJGDM: "11330102002497000X",
            CF_SJLY: "杭州市上城区财政局", CF_SJLYDM: "11330102002497000X")
    }

    /// Content hash the way ingest computes it: the record's JSON without version, action and batch.
    static func contentHash(_ hub: HubRecord) -> String {
        var copy = hub
        copy.version = 0
        copy.action = .publish
        copy.source.batchId = ""
        return SHA256Digest.hex(of: try! StoreJSON.encode(copy))
    }

    static func contentHash(_ credit: CreditRecord) -> String {
        var copy = credit
        copy.version = 0
        copy.action = .publish
        copy.source.batchId = ""
        return SHA256Digest.hex(of: try! StoreJSON.encode(copy))
    }

    /// An accepted source record with one credit record per `subjects` entry.
    static func draft(
        system: String = "zjzfcg", _ sourceRecordId: String, title: String? = nil, subjects: [String] = [], fine: String = "0.615",
        publish: Bool = true, publicityEndsOn: LocalDate? = date("2025-09-20"), withdraw: Bool = false,
        formedOn: LocalDate = date("2024-09-30"), dueOn: LocalDate = date("2024-10-10"), late: Bool = false
    ) -> RecordDraft {
        let recordId = recordId(system: system, sourceRecordId: sourceRecordId)
        let credits = subjects.map { subject in
            let record = creditRecord(
                system: system, sourceRecordId: sourceRecordId, hubRecordId: recordId, subject: subject, fine: fine,
                publicityEndsOn: publicityEndsOn)
            return CreditDraft(record: record, contentHash: contentHash(record), publishOnCreditZhejiang: publish)
        }
        let hub = hubRecord(
            system: system, sourceRecordId: sourceRecordId, title: title, formedOn: formedOn, dueOn: dueOn, late: late,
            creditRecordIds: credits.isEmpty ? nil : credits.map(\.record.creditRecordId))
        return RecordDraft(
            sourceRecordId: sourceRecordId, hub: hub, contentHash: contentHash(hub), credits: credits, withdraw: withdraw,
            trace: Data(#"{"mapping":"zjzfcg.yaml","rules":["title","responsible"]}"#.utf8))
    }
}

/// A batch as a department system would post it; the body is a small XML document listing its records.
struct TestBatch: Sendable {
    var system = "zjzfcg"
    var batchNumber: String?
    var records: [RecordDraft] = []
    var rejections: [RejectionDraft] = []
    /// Appended to the body so that two batches with the same records can still differ in bytes.
    var bodyNote = ""
    var receivedOn = Fixture.receivedOn

    init(
        system: String = "zjzfcg", number batchNumber: String?, records: [RecordDraft] = [], rejections: [RejectionDraft] = [],
        bodyNote: String = "", receivedOn: LocalDate = Fixture.receivedOn
    ) {
        self.system = system
        self.batchNumber = batchNumber
        self.records = records
        self.rejections = rejections
        self.bodyNote = bodyNote
        self.receivedOn = receivedOn
    }

    var body: Data {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<batch system=\"\(system)\" number=\"\(batchNumber ?? "")\">\n"
        for record in records {
            xml += "  <record id=\"\(record.sourceRecordId)\" withdraw=\"\(record.withdraw)\"><title>\(record.hub.title)</title>"
            xml += "<hash>\(record.contentHash)</hash></record>\n"
        }
        for rejection in rejections {
            xml += "  <record id=\"\(rejection.sourceRecordId)\"/>\n"
        }
        xml += "  <!--\(bodyNote)-->\n</batch>\n"
        return Data(xml.utf8)
    }

    func submission(spoolingIn temporary: TemporaryStore) throws -> BatchSubmission {
        let body = self.body
        return BatchSubmission(
            sourceSystem: system, batchNumber: batchNumber, bodySHA256: SHA256Digest.hex(of: body), body: try temporary.spool(body),
            receivedAt: Fixture.receivedAt, receivedOn: receivedOn, mappingVersion: "m-2024-10-01", records: records,
            rejections: rejections)
    }
}
