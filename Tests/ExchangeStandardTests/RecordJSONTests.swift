import ExchangeStandard
import Foundation
import Testing

@Suite("Record JSON")
struct RecordJSONTests {
    static let hubFields: Set<String> = [
        "recordId", "version", "action", "domain", "itemType", "regionCode", "source", "projectCode", "projectName", "title",
        "responsible", "formedOn", "publishedOn", "receivedAt", "dueOn", "late", "parties", "amounts", "fields", "documents",
        "redacted", "creditRecordIds",
    ]
    static let hubRequired: Set<String> = [
        "recordId", "version", "action", "domain", "itemType", "regionCode", "source", "title", "responsible", "formedOn",
        "receivedAt", "dueOn", "late",
    ]
    static let creditFields: Set<String> = [
        "creditRecordId", "version", "action", "recordKind", "domain", "regionCode", "source", "hubRecordId", "severity",
        "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ", "CF_XDR_SYDW", "CF_XDR_SHZZ",
        "CF_FRDB", "CF_FR_ZJLX", "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB",
        "CF_NR", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX", "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY",
        "CF_SJLYDM", "BZ",
    ]
    static let creditRequired: Set<String> = [
        "creditRecordId", "version", "action", "recordKind", "domain", "regionCode", "source", "hubRecordId", "severity",
        "CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_JDRQ", "CF_YXQ", "CF_CFJG",
        "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM",
    ]

    static func encode(_ value: some Encodable) throws -> (Data, [String: Any]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (data, object)
    }

    @Test("a full hub record has exactly the spec's field names and decodes back equal")
    func hubRoundTrip() throws {
        let record = RecordSamples.hubRecord()
        let (data, json) = try Self.encode(record)
        #expect(Set(json.keys) == Self.hubFields)
        #expect(json["formedOn"] as? String == "2024-10-08")
        #expect(json["publishedOn"] as? String == "2024-10-09")
        #expect(json["dueOn"] as? String == "2024-11-04")
        #expect(json["action"] as? String == "correct")
        #expect(json["late"] as? Bool == true)
        #expect(json["version"] as? Int == 2)
        #expect(Set((json["source"] as? [String: Any] ?? [:]).keys) == ["system", "recordId", "batchId"])
        let parties = try #require(json["parties"] as? [[String: Any]])
        #expect(Set(parties[0].keys) == ["role", "name", "uscc", "kind"])
        #expect(Set(parties[1].keys) == ["role", "name", "kind", "idType", "idNumber"])
        #expect(parties[1]["kind"] as? String == "natural_person")
        let amounts = try #require(json["amounts"] as? [[String: Any]])
        #expect(amounts[0]["value"] as? String == "2138705000.00")
        #expect(amounts[0]["currency"] as? String == "CNY")
        #expect(Set(amounts[0].keys) == ["kind", "value", "currency"])
        let documents = try #require(json["documents"] as? [[String: Any]])
        #expect(Set(documents[0].keys) == ["name", "url", "sha256"])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""parcelArea":12.5"#))
        #expect(text.contains(#""count":3"#))

        #expect(try JSONDecoder().decode(HubRecord.self, from: data) == record)
    }

    @Test("optional hub fields are absent when nil")
    func hubMinimal() throws {
        let record = HubRecord(
            recordId: "r", version: 1, action: .publish, domain: "HOUSING", itemType: "HOUSING.ALLOC_RESULT", regionCode: "330100",
            source: SourceReference(system: "hz-housing", recordId: "FP-2024-0381", batchId: "20241008-001"), title: "分配结果",
            responsible: Party(role: "responsible", name: "杭州市住房保障和房产管理局", uscc: "123301003AGYGLUY2G"),
            formedOn: LocalDate("2024-09-20"), receivedAt: "2024-10-08T10:00:00+08:00", dueOn: LocalDate("2024-10-23"), late: false
        )
        let (data, json) = try Self.encode(record)
        #expect(Set(json.keys) == Self.hubRequired)
        #expect(Set((json["responsible"] as? [String: Any] ?? [:]).keys) == ["role", "name", "uscc", "kind"])
        #expect(try JSONDecoder().decode(HubRecord.self, from: data) == record)
    }

    @Test("a full credit record has exactly the standard's field codes and decodes back equal")
    func creditRoundTrip() throws {
        let record = RecordSamples.creditRecord()
        let (data, json) = try Self.encode(record)
        #expect(Set(json.keys) == Self.creditFields)
        #expect(json["CF_XDR_LB"] as? String == "法人及非法人组织")
        #expect(json["CF_JDRQ"] as? String == "2024-11-01")
        #expect(json["CF_GSJZQ"] as? String == "2025-11-01")
        #expect(json["CF_NR_FK"] as? String == "0.615")
        #expect(json["recordKind"] as? String == "penalty")
        #expect(json["severity"] as? String == "general")
        #expect(try JSONDecoder().decode(CreditRecord.self, from: data) == record)
    }

    @Test("optional credit fields are absent when nil")
    func creditMinimal() throws {
        let record = CreditRecord(
            creditRecordId: "c", version: 1, action: .publish, recordKind: .dishonesty, domain: "LAND", regionCode: "330100",
            source: SourceReference(system: "zj-land", recordId: "WF-2024-0009", batchId: "LT20241105A"), hubRecordId: "h",
            severity: .serious, CF_XDR_MC: "吴某某", CF_XDR_LB: .naturalPerson, CF_WSH: "杭规划资源失信〔2024〕9号", CF_WFXW: "w",
            CF_SY: "s", CF_YJ: "y", CF_CFLB: "其他", CF_NR: "n", CF_JDRQ: LocalDate("2024-10-15"), CF_YXQ: LocalDate("2027-10-15"),
            CF_CFJG: "杭州市规划和自然资源局", CF_CFJGDM: "11330100RJHTPQQF92", CF_SJLY: "杭州市规划和自然资源局",
            CF_SJLYDM: "11330100RJHTPQQF92"
        )
        let (data, json) = try Self.encode(record)
        #expect(Set(json.keys) == Self.creditRequired)
        #expect(json["CF_XDR_LB"] as? String == "自然人")
        #expect(try JSONDecoder().decode(CreditRecord.self, from: data) == record)
    }

    @Test("dates are YYYY-MM-DD and nothing else")
    func dates() throws {
        #expect(LocalDate("2024-02-29").description == "2024-02-29")
        #expect(LocalDate(year: 2023, month: 2, day: 29) == nil)
        #expect(LocalDate(iso: "2024-2-9") == nil)
        #expect(LocalDate(iso: "20240209") == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2024/10/08"]"#.utf8)) }
    }
}
