import ExchangeStandard
import Testing

@testable import Delivery

@Suite("PublicationPolicy")
struct PublicationPolicyTests {
    @Test("hub records: natural persons' ID numbers masked, companies untouched")
    func hubMasking() throws {
        var record = TestRecords.hub("r1")
        record.responsible = Party(role: "责任人", name: "赵六", kind: .naturalPerson, idType: "身份证", idNumber: TestRecords.personalID)
        let masked = PublicationPolicy.hubRecordForDelivery(record)
        #expect(masked.responsible.idNumber == TestRecords.maskedPersonalID)
        let person = try #require(masked.parties?.first { $0.kind == .naturalPerson })
        #expect(person.idNumber == TestRecords.maskedPersonalID)
        let company = try #require(masked.parties?.first { $0.kind == .legalPerson })
        #expect(company == record.parties?.first { $0.kind == .legalPerson })
    }

    @Test("hub records: an individual business's ID number (its operator's) is masked too")
    func individualBusiness() {
        var record = TestRecords.hub("r1")
        record.parties = [Party(role: "供应商", name: "某某五金店", kind: .individualBusiness, idNumber: TestRecords.personalID)]
        #expect(PublicationPolicy.hubRecordForDelivery(record).parties?.first?.idNumber == TestRecords.maskedPersonalID)
    }

    @Test("hub records: fields named in redacted are stripped and reported")
    func redactedFields() {
        let record = TestRecords.hub(
            "r1",
            fields: ["bidBond": .number("10000"), "secretFormula": .string("x"), "lots": .number("2")],
            redacted: ["secretFormula", "notPresent"]
        )
        #expect(PublicationPolicy.leakedRedactedFields(in: record) == ["secretFormula"])
        let published = PublicationPolicy.hubRecordForDelivery(record)
        #expect(published.fields == ["bidBond": .number("10000"), "lots": .number("2")])
        #expect(published.redacted == ["secretFormula", "notPresent"])
        #expect(PublicationPolicy.leakedRedactedFields(in: published).isEmpty)
    }

    @Test("credit records: the subject's ID number masked, the legal representative's removed")
    func creditMasking() {
        let person = PublicationPolicy.creditRecordForPublication(TestRecords.credit("c1", category: .naturalPerson))
        #expect(person.CF_XDR_ZJHM == TestRecords.maskedPersonalID)

        let company = TestRecords.credit("c2", category: .organization)
        #expect(company.CF_FR_ZJHM == TestRecords.legalRepresentativeID)
        let published = PublicationPolicy.creditRecordForPublication(company)
        #expect(published.CF_FR_ZJHM == nil)
        #expect(published.CF_FRDB == "王五")
        #expect(published.CF_XDR_SHXYM == company.CF_XDR_SHXYM)
    }

    @Test(
        "only 警告 and 通报批评 alone keep a record off Credit Zhejiang",
        arguments: [
            ("警告", false),
            ("通报批评", false),
            ("警告;通报批评", false),
            ("警告；通报批评", false),
            (" 警告 ; 通报批评 ", false),
            ("罚款", true),
            ("罚款;其他", true),
            ("警告;罚款", true),
            ("通报批评;没收违法所得", true),
            ("其他", true),
        ]
    )
    func publishFilter(categories: String, published: Bool) {
        #expect(PublicationPolicy.shouldPublish(TestRecords.credit("c1", penalties: categories)) == published)
    }
}
