import ExchangeStandard
import Foundation

/// Records for the delivery tests: small, valid, with personal data to be masked.
enum TestRecords {
    static let personalID = "330302197905124786"
    static let maskedPersonalID = "330302********4786"
    static let legalRepresentativeID = "110101198001010015"

    static func date(_ text: String) -> LocalDate {
        LocalDate(iso: text)!
    }

    /// A hub record with a company as responsible subject and a natural person among the parties.
    static func hub(
        _ recordId: String,
        version: Int = 1,
        title: String? = nil,
        fields: [String: JSONValue]? = nil,
        redacted: [String]? = nil
    ) -> HubRecord {
        HubRecord(
            recordId: recordId,
            version: version,
            action: version == 1 ? .publish : .correct,
            domain: "construction",
            itemType: "bid-award",
            regionCode: "330100",
            source: SourceReference(system: "hz-housing", recordId: "src-\(recordId)", batchId: "B\(version)"),
            projectCode: "P-\(recordId)",
            projectName: "杭州市某道路工程",
            title: title ?? "\(recordId) 中标结果公告 第\(version)版",
            responsible: Party(role: "招标人", name: "杭州市某建设有限公司", uscc: "91330100MA2XXXXXX1", kind: .legalPerson),
            formedOn: date("2024-10-08"),
            receivedAt: "2024-10-08T09:30:00+08:00",
            dueOn: date("2024-10-15"),
            late: false,
            parties: [
                Party(role: "中标人", name: "杭州某工程有限公司", uscc: "91330100MA2YYYYYY2", kind: .legalPerson),
                Party(role: "项目经理", name: "张三", kind: .naturalPerson, idType: "身份证", idNumber: personalID),
            ],
            amounts: [MoneyAmount(kind: "中标金额", value: "6150000.00")],
            fields: fields,
            redacted: redacted
        )
    }

    /// A credit record; `CF_CFLB` decides whether Credit Zhejiang may show it.
    static func credit(
        _ creditRecordId: String,
        version: Int = 1,
        category: CreditSubjectCategory = .naturalPerson,
        penalties: String = "罚款",
        subjectName: String = "李四"
    ) -> CreditRecord {
        CreditRecord(
            creditRecordId: creditRecordId,
            version: version,
            action: version == 1 ? .publish : .correct,
            recordKind: .penalty,
            domain: "construction",
            regionCode: "330100",
            source: SourceReference(system: "zj-bidding", recordId: "src-\(creditRecordId)", batchId: "B\(version)"),
            hubRecordId: "hub-\(creditRecordId)",
            severity: .general,
            CF_XDR_MC: subjectName,
            CF_XDR_LB: category,
            CF_XDR_SHXYM: category == .naturalPerson ? nil : "91330100MA2ZZZZZZ3",
            CF_FRDB: category == .organization ? "王五" : nil,
            CF_FR_ZJLX: category == .organization ? "身份证" : nil,
            CF_FR_ZJHM: category == .organization ? legalRepresentativeID : nil,
            CF_XDR_ZJLX: category == .naturalPerson ? "身份证" : nil,
            CF_XDR_ZJHM: category == .naturalPerson ? personalID : nil,
            CF_WSH: "杭建罚〔2024〕\(version)号",
            CF_WFXW: "串通投标",
            CF_SY: "在某工程投标中与他人串通报价",
            CF_YJ: "《中华人民共和国招标投标法》第五十三条",
            CF_CFLB: penalties,
            CF_NR: "罚款人民币陆仟壹佰伍拾元",
            CF_NR_FK: penalties.contains("罚款") ? "0.615" : nil,
            CF_JDRQ: date("2024-09-30"),
            CF_YXQ: date("2025-09-30"),
            CF_CFJG: "杭州市建设委员会",
            CF_CFJGDM: "11330100002493498X",
            CF_SJLY: "杭州市建设委员会",
            CF_SJLYDM: "11330100002493498X"
        )
    }

    static func json(_ value: some Encodable) -> Data {
        try! JSONEncoder().encode(value)
    }
}
