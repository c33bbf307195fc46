import ExchangeStandard

/// Complete records (every optional field set) for round-trip and masking tests.
enum RecordSamples {
    static func hubRecord() -> HubRecord {
        HubRecord(
            recordId: "hub-zj-land-WF-2024-0009", version: 2, action: .correct, domain: "LAND", itemType: "LAND.DEAL_PUBLICITY",
            regionCode: "330106",
            source: SourceReference(system: "zj-land", recordId: "TD-330106-2024-031", batchId: "LT20241105A"),
            projectCode: "杭政储出〔2024〕31号", projectName: "西湖区某地块", title: "杭政储出〔2024〕31号地块成交公示",
            responsible: Party(role: "responsible", name: "杭州市规划和自然资源局", uscc: "11330100RJHTPQQF92", kind: .otherOrganization),
            formedOn: LocalDate("2024-10-08"), publishedOn: LocalDate("2024-10-09"), receivedAt: "2024-11-05T09:30:00+08:00",
            dueOn: LocalDate("2024-11-04"), late: true,
            parties: [
                Party(role: "winner", name: "杭州某置业有限公司", uscc: "91330106QQJE70K233"),
                Party(role: "candidate", name: "吴某某", kind: .naturalPerson, idType: "身份证", idNumber: "330302********4786"),
            ],
            amounts: [MoneyAmount(kind: "dealPrice", value: "2138705000.00")],
            fields: [
                "parcelArea": .number("12.5"), "landUse": .string("住宅用地"), "count": .number("3"), "resale": .bool(false),
                "uses": .array([.string("商业"), .string("住宅")]), "extra": .object(["note": .null]),
            ],
            documents: [DocumentLink(name: "成交确认书.pdf", url: "https://example.gov.cn/a.pdf", sha256: String(repeating: "a", count: 64))],
            redacted: ["FinancialStatement"], creditRecordIds: ["credit-1"]
        )
    }

    static func creditRecord() -> CreditRecord {
        CreditRecord(
            creditRecordId: "credit-nb-gpp-31", version: 1, action: .publish, recordKind: .penalty, domain: "PROCUREMENT",
            regionCode: "330200", source: SourceReference(system: "nb-gpp", recordId: "NBCG-2024-CF-031", batchId: "NBZC-2024-1120-01"),
            hubRecordId: "hub-nb-gpp-31", severity: .general, CF_XDR_MC: "宁波某科技有限公司", CF_XDR_LB: .organization,
            CF_XDR_SHXYM: "91330212UNBBED2C5W", CF_XDR_GSZC: "330212000000001", CF_XDR_ZZJG: "UNBBED2C5", CF_XDR_SWDJ: "SWDJ-1",
            CF_XDR_SYDW: "SYDW-1", CF_XDR_SHZZ: "SHZZ-1", CF_FRDB: "张某", CF_FR_ZJLX: "身份证", CF_FR_ZJHM: "330304198509235246",
            CF_XDR_ZJLX: "身份证", CF_XDR_ZJHM: "330102196603017867", CF_WSH: "甬财采罚〔2024〕31号", CF_WFXW: "提供虚假材料谋取成交",
            CF_SY: "违法事实", CF_YJ: "《中华人民共和国政府采购法》第七十七条", CF_CFLB: "罚款;其他", CF_NR: "处采购金额千分之五的罚款",
            CF_NR_FK: "0.615", CF_NR_WFFF: "1.2", CF_NR_ZKDX: "许可证 123", CF_JDRQ: LocalDate("2024-11-01"),
            CF_YXQ: LocalDate("2025-11-01"), CF_GSJZQ: LocalDate("2025-11-01"), CF_CFJG: "宁波市财政局", CF_CFJGDM: "11330200WJHFU3DG21",
            CF_SJLY: "宁波市财政局", CF_SJLYDM: "11330200WJHFU3DG21", BZ: "备注"
        )
    }
}
