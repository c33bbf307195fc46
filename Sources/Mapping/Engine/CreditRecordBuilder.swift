import ExchangeStandard

/// Turns a credit record's evaluated fields into a `CreditRecord` in the 双公示 schema
/// (`spec/credit-record.md`), with every rule checked and all problems collected.
struct CreditRecordBuilder {
    static let penaltyCategories = [
        "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件", "限制开展生产经营活动",
        "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他",
    ]
    static let idTypes = ["身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"]

    var problems: [RecordProblem] = []

    /// What a credit record takes from its hub record.
    struct HubParts {
        var domain: String
        var regionCode: String
        var source: SourceReference
    }

    struct Built {
        var record: CreditRecord
        var publish: Bool
    }

    mutating func build(
        _ values: ObjectValues, context: TranslationContext, hub: HubParts?, sourceRecordId: String, hubRecordId: String
    ) -> Built? {
        // Field names (`credit[1].CF_WSH`) are formatted only for a problem.
        func field(_ name: String) -> String { values.fieldName(name) }

        let recordKind = enumeration(values, "recordKind", default: CreditRecordKind.penalty)
        let severity = enumeration(values, "severity", default: CreditSeverity.general)
        let subjectName = required(values, "CF_XDR_MC")
        let categoryText = required(values, "CF_XDR_LB")
        let category = categoryText.flatMap(CreditSubjectCategory.init(rawValue:))
        if let categoryText, category == nil {
            problems.append(
                ProblemMessages.enumeration(field("CF_XDR_LB"), value: categoryText, allowed: CreditSubjectCategory.allCases.map(\.rawValue)))
        }

        let uscc = values.text("CF_XDR_SHXYM")
        if let uscc {
            checkUSCC(uscc, field: field("CF_XDR_SHXYM"))
        } else if category == .organization || category == .individualBusiness {
            if !values.failed("CF_XDR_SHXYM") {
                problems.append(
                    ProblemMessages.conditionallyRequired(
                        field("CF_XDR_SHXYM"), because: "行政相对人为\(category!.rawValue)", reasonEnglish: "the subject is \(category!.rawValue)"))
            }
        }
        if category == .organization, values.text("CF_FRDB") == nil {
            problems.append(
                ProblemMessages.conditionallyRequired(field("CF_FRDB"), because: "行政相对人为法人及非法人组织", reasonEnglish: "the subject is an organisation"))
        }
        let idType = values.text("CF_XDR_ZJLX")
        let idNumber = values.text("CF_XDR_ZJHM")
        if category == .naturalPerson {
            for (name, value) in [("CF_XDR_ZJLX", idType), ("CF_XDR_ZJHM", idNumber)] where value == nil {
                problems.append(
                    ProblemMessages.conditionallyRequired(field(name), because: "行政相对人为自然人", reasonEnglish: "the subject is a natural person"))
            }
        }
        if let idType, !Self.idTypes.contains(idType), !idType.hasPrefix("其他") {
            problems.append(ProblemMessages.idType(field("CF_XDR_ZJLX"), value: idType))
        }
        if let idNumber, idType == "身份证", let failure = ResidentIDNumber.validate(idNumber).failure {
            problems.append(RecordProblem(field: field("CF_XDR_ZJHM"), value: idNumber, failure: failure))
        }
        if let number = values.text("CF_FR_ZJHM"), values.text("CF_FR_ZJLX") == "身份证",
            let failure = ResidentIDNumber.validate(number).failure
        {
            problems.append(RecordProblem(field: field("CF_FR_ZJHM"), value: number, failure: failure))
        }

        let documentNumber = required(values, "CF_WSH")
        let violation = required(values, "CF_WFXW")
        let facts = required(values, "CF_SY")
        let basis = required(values, "CF_YJ")
        let content = required(values, "CF_NR")
        var categories: [String] = []
        if let text = required(values, "CF_CFLB") {
            categories = CreditRecord.penaltyCategories(text)
            for item in categories where !Self.penaltyCategories.contains(item) {
                problems.append(ProblemMessages.enumeration(field("CF_CFLB"), value: item, allowed: Self.penaltyCategories))
            }
        }
        let decidedOn = requiredDate(values, "CF_JDRQ")
        let validUntil = requiredDate(values, "CF_YXQ")
        if let decidedOn, let validUntil, validUntil < decidedOn {
            problems.append(ProblemMessages.validityBeforeDecision(field("CF_YXQ"), value: validUntil.description, decided: decidedOn.description))
        }
        var publicityEnd = values.date("CF_GSJZQ")
        if let decidedOn {
            if let given = publicityEnd {
                if let failure = PublicityPeriod.validate(end: given, decidedOn: decidedOn, severity: severity).failure {
                    problems.append(RecordProblem(field: field("CF_GSJZQ"), value: given.description, failure: failure))
                }
            } else {
                publicityEnd = PublicityPeriod.end(decidedOn: decidedOn, severity: severity)
            }
        }
        let authority = required(values, "CF_CFJG")
        let authorityCode = required(values, "CF_CFJGDM")
        if let authorityCode { checkUSCC(authorityCode, field: field("CF_CFJGDM")) }
        let dataSource = required(values, "CF_SJLY")
        let dataSourceCode = required(values, "CF_SJLYDM")
        if let dataSourceCode { checkUSCC(dataSourceCode, field: field("CF_SJLYDM")) }

        guard problems.isEmpty, let domain = hub?.domain, let regionCode = hub?.regionCode, let source = hub?.source,
            let subjectName, let category, let documentNumber, let violation, let facts, let basis, let content, let decidedOn,
            let validUntil, let authority, let authorityCode, let dataSource, let dataSourceCode
        else { return nil }

        let subjectKey = uscc ?? idNumber ?? subjectName
        let record = CreditRecord(
            creditRecordId: RecordIdentity.creditRecordId(system: context.sourceSystem, sourceRecordId: sourceRecordId, subject: subjectKey),
            version: 1, action: .publish, recordKind: recordKind, domain: domain, regionCode: regionCode, source: source,
            hubRecordId: hubRecordId, severity: severity, CF_XDR_MC: subjectName, CF_XDR_LB: category, CF_XDR_SHXYM: uscc,
            CF_XDR_GSZC: values.text("CF_XDR_GSZC"), CF_XDR_ZZJG: values.text("CF_XDR_ZZJG"), CF_XDR_SWDJ: values.text("CF_XDR_SWDJ"),
            CF_XDR_SYDW: values.text("CF_XDR_SYDW"), CF_XDR_SHZZ: values.text("CF_XDR_SHZZ"), CF_FRDB: values.text("CF_FRDB"),
            CF_FR_ZJLX: values.text("CF_FR_ZJLX"), CF_FR_ZJHM: values.text("CF_FR_ZJHM"), CF_XDR_ZJLX: idType, CF_XDR_ZJHM: idNumber,
            CF_WSH: documentNumber, CF_WFXW: violation, CF_SY: facts, CF_YJ: basis, CF_CFLB: categories.joined(separator: ";"),
            CF_NR: content, CF_NR_FK: values.amount("CF_NR_FK")?.wanYuanString, CF_NR_WFFF: values.amount("CF_NR_WFFF")?.wanYuanString,
            CF_NR_ZKDX: values.text("CF_NR_ZKDX"), CF_JDRQ: decidedOn, CF_YXQ: validUntil, CF_GSJZQ: publicityEnd, CF_CFJG: authority,
            CF_CFJGDM: authorityCode, CF_SJLY: dataSource, CF_SJLYDM: dataSourceCode, BZ: values.text("BZ"))
        return Built(record: record, publish: record.isPublishableOnCreditZhejiang)
    }

    /// A mapped value outside the allowed set is a problem, never silently the default.
    private mutating func enumeration<T: RawRepresentable & CaseIterable>(
        _ values: ObjectValues, _ name: String, default fallback: T
    ) -> T
    where T.RawValue == String {
        guard let text = values.text(name) else { return fallback }
        if let value = T(rawValue: text) { return value }
        problems.append(ProblemMessages.enumeration(values.fieldName(name), value: text, allowed: T.allCases.map(\.rawValue)))
        return fallback
    }

    private mutating func checkUSCC(_ code: String, field: @autoclosure () -> String) {
        if let failure = USCC.validate(code).failure {
            problems.append(RecordProblem(field: field(), value: code, failure: failure))
        }
    }

    private mutating func required(_ values: ObjectValues, _ name: String) -> String? {
        if let text = values.text(name) { return text }
        if !values.failed(name) { problems.append(ProblemMessages.required(values.fieldName(name))) }
        return nil
    }

    private mutating func requiredDate(_ values: ObjectValues, _ name: String) -> LocalDate? {
        if let date = values.date(name) { return date }
        if !values.failed(name) { problems.append(ProblemMessages.required(values.fieldName(name))) }
        return nil
    }
}
