import ExchangeStandard

/// The fields a mapping may fill in one kind of output object, with their types: what
/// `mappings check` compares mapping files against.
public struct TargetSchema: Sendable, Hashable {
    public enum ValueKind: Sendable, Hashable {
        case text
        case date
        case amount
        case enumeration([String])
    }

    public struct Field: Sendable, Hashable {
        public var name: String
        public var kind: ValueKind
        /// Must have a rule in every mapping (a value may still be missing at run time: then the record is rejected).
        public var ruleRequired: Bool
    }

    public struct Child: Sendable, Hashable {
        public var name: String
        public var schema: TargetSchema
        public var multiple: Bool
        public var ruleRequired: Bool
    }

    public var name: String
    public var fields: [Field]
    public var children: [Child]
    public var allowsFreeFields: Bool

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }
    public func child(named name: String) -> Child? { children.first { $0.name == name } }
}

extension TargetSchema {
    public static let party = TargetSchema(
        name: "party",
        fields: [
            .init(name: "role", kind: .text, ruleRequired: true),
            .init(name: "name", kind: .text, ruleRequired: true),
            .init(name: "uscc", kind: .text, ruleRequired: false),
            .init(name: "kind", kind: .enumeration(PartyKind.allCases.map(\.rawValue)), ruleRequired: false),
            .init(name: "idType", kind: .text, ruleRequired: false),
            .init(name: "idNumber", kind: .text, ruleRequired: false),
        ],
        children: [], allowsFreeFields: false)

    public static let amount = TargetSchema(
        name: "amount",
        fields: [
            .init(name: "kind", kind: .text, ruleRequired: true),
            .init(name: "value", kind: .amount, ruleRequired: true),
        ],
        children: [], allowsFreeFields: false)

    public static let document = TargetSchema(
        name: "document",
        fields: [
            .init(name: "name", kind: .text, ruleRequired: true),
            .init(name: "url", kind: .text, ruleRequired: true),
            .init(name: "sha256", kind: .text, ruleRequired: false),
        ],
        children: [], allowsFreeFields: false)

    /// Deadline kinds: a licensing or penalty decision has 7 working days, everything else 20.
    public static let decisionKinds = ["none", "licensing", "penalty"]

    public static let hub = TargetSchema(
        name: "hub",
        fields: [
            .init(name: "domain", kind: .text, ruleRequired: true),
            .init(name: "itemType", kind: .text, ruleRequired: true),
            .init(name: "regionCode", kind: .text, ruleRequired: true),
            .init(name: "projectCode", kind: .text, ruleRequired: false),
            .init(name: "projectName", kind: .text, ruleRequired: false),
            .init(name: "title", kind: .text, ruleRequired: true),
            .init(name: "formedOn", kind: .date, ruleRequired: true),
            .init(name: "publishedOn", kind: .date, ruleRequired: false),
            .init(name: "decision", kind: .enumeration(decisionKinds), ruleRequired: false),
        ],
        children: [
            .init(name: "responsible", schema: .party, multiple: false, ruleRequired: true),
            .init(name: "parties", schema: .party, multiple: true, ruleRequired: false),
            .init(name: "amounts", schema: .amount, multiple: true, ruleRequired: false),
            .init(name: "documents", schema: .document, multiple: true, ruleRequired: false),
        ],
        allowsFreeFields: true)

    private static func text(_ name: String, _ required: Bool = false) -> Field {
        .init(name: name, kind: .text, ruleRequired: required)
    }

    public static let credit = TargetSchema(
        name: "credit",
        fields: [
            .init(name: "recordKind", kind: .enumeration(CreditRecordKind.allCases.map(\.rawValue)), ruleRequired: true),
            .init(name: "severity", kind: .enumeration(CreditSeverity.allCases.map(\.rawValue)), ruleRequired: false),
            text("CF_XDR_MC", true),
            .init(name: "CF_XDR_LB", kind: .enumeration(CreditSubjectCategory.allCases.map(\.rawValue)), ruleRequired: true),
            text("CF_XDR_SHXYM"), text("CF_XDR_GSZC"), text("CF_XDR_ZZJG"), text("CF_XDR_SWDJ"), text("CF_XDR_SYDW"),
            text("CF_XDR_SHZZ"), text("CF_FRDB"), text("CF_FR_ZJLX"), text("CF_FR_ZJHM"), text("CF_XDR_ZJLX"), text("CF_XDR_ZJHM"),
            text("CF_WSH", true), text("CF_WFXW", true), text("CF_SY", true), text("CF_YJ", true), text("CF_CFLB", true),
            text("CF_NR", true),
            .init(name: "CF_NR_FK", kind: .amount, ruleRequired: false),
            .init(name: "CF_NR_WFFF", kind: .amount, ruleRequired: false),
            text("CF_NR_ZKDX"),
            .init(name: "CF_JDRQ", kind: .date, ruleRequired: true),
            .init(name: "CF_YXQ", kind: .date, ruleRequired: true),
            .init(name: "CF_GSJZQ", kind: .date, ruleRequired: false),
            text("CF_CFJG", true), text("CF_CFJGDM", true), text("CF_SJLY", true), text("CF_SJLYDM", true), text("BZ"),
        ],
        children: [], allowsFreeFields: false)
}
