/// Whether a credit record is a formal penalty decision or a finding of dishonest conduct.
public enum CreditRecordKind: String, Hashable, Sendable, Codable, CaseIterable {
    case penalty
    case dishonesty
}

/// 一般失信 or 严重失信: decides the publicity period.
public enum CreditSeverity: String, Hashable, Sendable, Codable, CaseIterable {
    case general
    case serious
}

/// 行政相对人类别, exactly as the 双公示 standard spells it.
public enum CreditSubjectCategory: String, Hashable, Sendable, Codable, CaseIterable {
    case organization = "法人及非法人组织"
    case naturalPerson = "自然人"
    case individualBusiness = "个体工商户"
}

/// A violation or dishonesty record in the 双公示 schema (`spec/credit-record.md`).
///
/// Field names are the standard's codes so that the JSON is what the credit platforms already read.
public struct CreditRecord: Hashable, Sendable, Codable {
    // MARK: - Gateway envelope
    public var creditRecordId: String
    public var version: Int
    public var action: RecordAction
    public var recordKind: CreditRecordKind
    public var domain: String
    public var regionCode: String
    public var hubRecordId: String
    public var source: SourceReference
    public var severity: CreditSeverity

    // MARK: - Standard fields
    public var CF_XDR_MC: String
    public var CF_XDR_LB: CreditSubjectCategory
    public var CF_XDR_SHXYM: String?
    public var CF_XDR_GSZC: String?
    public var CF_XDR_ZZJG: String?
    public var CF_XDR_SWDJ: String?
    public var CF_XDR_SYDW: String?
    public var CF_XDR_SHZZ: String?
    public var CF_FRDB: String?
    public var CF_FR_ZJLX: String?
    public var CF_FR_ZJHM: String?
    public var CF_XDR_ZJLX: String?
    public var CF_XDR_ZJHM: String?
    public var CF_WSH: String
    public var CF_WFXW: String
    public var CF_SY: String
    public var CF_YJ: String
    /// One or more 处罚类别 joined with `;`.
    public var CF_CFLB: String
    public var CF_NR: String
    /// 万元, up to 6 decimals.
    public var CF_NR_FK: String?
    /// 万元, up to 6 decimals.
    public var CF_NR_WFFF: String?
    public var CF_NR_ZKDX: String?
    public var CF_JDRQ: LocalDate
    public var CF_YXQ: LocalDate
    public var CF_GSJZQ: LocalDate?
    public var CF_CFJG: String
    public var CF_CFJGDM: String
    public var CF_SJLY: String
    public var CF_SJLYDM: String
    public var BZ: String?
}

extension CreditRecord {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`hubRecordId` before `source`), so that the two
    /// initializers differ.
    public init(
        creditRecordId: String, version: Int, action: RecordAction, recordKind: CreditRecordKind, domain: String,
        regionCode: String, source: SourceReference, hubRecordId: String, severity: CreditSeverity, CF_XDR_MC: String,
        CF_XDR_LB: CreditSubjectCategory, CF_XDR_SHXYM: String? = nil, CF_XDR_GSZC: String? = nil, CF_XDR_ZZJG: String? = nil,
        CF_XDR_SWDJ: String? = nil, CF_XDR_SYDW: String? = nil, CF_XDR_SHZZ: String? = nil, CF_FRDB: String? = nil,
        CF_FR_ZJLX: String? = nil, CF_FR_ZJHM: String? = nil, CF_XDR_ZJLX: String? = nil, CF_XDR_ZJHM: String? = nil,
        CF_WSH: String, CF_WFXW: String, CF_SY: String, CF_YJ: String, CF_CFLB: String, CF_NR: String,
        CF_NR_FK: String? = nil, CF_NR_WFFF: String? = nil, CF_NR_ZKDX: String? = nil, CF_JDRQ: LocalDate, CF_YXQ: LocalDate,
        CF_GSJZQ: LocalDate? = nil, CF_CFJG: String, CF_CFJGDM: String, CF_SJLY: String, CF_SJLYDM: String, BZ: String? = nil
    ) {
        self.init(
            creditRecordId: creditRecordId, version: version, action: action, recordKind: recordKind, domain: domain,
            regionCode: regionCode, hubRecordId: hubRecordId, source: source, severity: severity, CF_XDR_MC: CF_XDR_MC,
            CF_XDR_LB: CF_XDR_LB, CF_XDR_SHXYM: CF_XDR_SHXYM, CF_XDR_GSZC: CF_XDR_GSZC, CF_XDR_ZZJG: CF_XDR_ZZJG,
            CF_XDR_SWDJ: CF_XDR_SWDJ, CF_XDR_SYDW: CF_XDR_SYDW, CF_XDR_SHZZ: CF_XDR_SHZZ, CF_FRDB: CF_FRDB, CF_FR_ZJLX: CF_FR_ZJLX,
            CF_FR_ZJHM: CF_FR_ZJHM, CF_XDR_ZJLX: CF_XDR_ZJLX, CF_XDR_ZJHM: CF_XDR_ZJHM, CF_WSH: CF_WSH, CF_WFXW: CF_WFXW,
            CF_SY: CF_SY, CF_YJ: CF_YJ, CF_CFLB: CF_CFLB, CF_NR: CF_NR, CF_NR_FK: CF_NR_FK, CF_NR_WFFF: CF_NR_WFFF,
            CF_NR_ZKDX: CF_NR_ZKDX, CF_JDRQ: CF_JDRQ, CF_YXQ: CF_YXQ, CF_GSJZQ: CF_GSJZQ, CF_CFJG: CF_CFJG, CF_CFJGDM: CF_CFJGDM,
            CF_SJLY: CF_SJLY, CF_SJLYDM: CF_SJLYDM, BZ: BZ)
    }
}
