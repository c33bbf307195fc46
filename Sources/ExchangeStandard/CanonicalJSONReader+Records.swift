import Foundation

// The record types read member by member, mirroring `CanonicalJSONWriter`'s `write` methods. Each key may
// appear once; required keys must all be there (`Members`).

extension CanonicalJSONReader {
    /// Which keys of an object were read: refuses a repeated key and names a missing required one.
    private struct Members {
        private var seen: UInt64 = 0

        mutating func mark(_ bit: Int, _ reader: borrowing CanonicalJSONReader) throws(Failure) {
            guard seen & (1 << bit) == 0 else { throw reader.failure("repeated key") }
            seen |= 1 << bit
        }

        func require<Value>(_ value: Value?, _ name: String, _ reader: borrowing CanonicalJSONReader) throws(Failure) -> Value {
            guard let value else { throw reader.failure("missing key \(name)") }
            return value
        }
    }

    public mutating func sourceReference() throws(Failure) -> SourceReference {
        var members = Members()
        var system: String?, recordId: String?, batchId: String?
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "system": try members.mark(0, reader); system = try reader.string()
            case "recordId": try members.mark(1, reader); recordId = try reader.string()
            case "batchId": try members.mark(2, reader); batchId = try reader.string()
            default: throw reader.failure("unknown key \(key)")
            }
        }
        return SourceReference(
            system: try members.require(system, "system", self), recordId: try members.require(recordId, "recordId", self),
            batchId: try members.require(batchId, "batchId", self))
    }

    public mutating func party() throws(Failure) -> Party {
        var members = Members()
        var role: String?, name: String?, uscc: String?, kind: PartyKind?, idType: String?, idNumber: String?
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "role": try members.mark(0, reader); role = try reader.string()
            case "name": try members.mark(1, reader); name = try reader.string()
            case "uscc": try members.mark(2, reader); uscc = try reader.optionalString()
            case "kind": try members.mark(3, reader); kind = try reader.enumeration(PartyKind.self)
            case "idType": try members.mark(4, reader); idType = try reader.optionalString()
            case "idNumber": try members.mark(5, reader); idNumber = try reader.optionalString()
            default: throw reader.failure("unknown key \(key)")
            }
        }
        return Party(
            role: try members.require(role, "role", self), name: try members.require(name, "name", self), uscc: uscc,
            kind: try members.require(kind, "kind", self), idType: idType, idNumber: idNumber)
    }

    public mutating func moneyAmount() throws(Failure) -> MoneyAmount {
        var members = Members()
        var kind: String?, value: String?, currency: String?
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "kind": try members.mark(0, reader); kind = try reader.string()
            case "value": try members.mark(1, reader); value = try reader.string()
            case "currency": try members.mark(2, reader); currency = try reader.string()
            default: throw reader.failure("unknown key \(key)")
            }
        }
        return MoneyAmount(
            kind: try members.require(kind, "kind", self), value: try members.require(value, "value", self),
            currency: try members.require(currency, "currency", self))
    }

    public mutating func documentLink() throws(Failure) -> DocumentLink {
        var members = Members()
        var name: String?, url: String?, sha256: String?
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "name": try members.mark(0, reader); name = try reader.string()
            case "url": try members.mark(1, reader); url = try reader.string()
            case "sha256": try members.mark(2, reader); sha256 = try reader.optionalString()
            default: throw reader.failure("unknown key \(key)")
            }
        }
        return DocumentLink(name: try members.require(name, "name", self), url: try members.require(url, "url", self), sha256: sha256)
    }

    /// An optional array member: nil for `null`.
    private mutating func optionalArray<Element>(
        of element: (inout CanonicalJSONReader) throws(Failure) -> Element
    ) throws(Failure) -> [Element]? {
        null() ? nil : try array(of: element)
    }

    public mutating func hubRecord() throws(Failure) -> HubRecord {
        var members = Members()
        var recordId: String?, version: Int?, action: RecordAction?, domain: String?, itemType: String?, regionCode: String?
        var source: SourceReference?, projectCode: String?, projectName: String?, title: String?, responsible: Party?
        var formedOn: LocalDate?, publishedOn: LocalDate?, receivedAt: String?, dueOn: LocalDate?, late: Bool?
        var parties: [Party]?, amounts: [MoneyAmount]?, fields: [String: JSONValue]?, documents: [DocumentLink]?
        var redacted: [String]?, creditRecordIds: [String]?
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "recordId": try members.mark(0, reader); recordId = try reader.string()
            case "version": try members.mark(1, reader); version = try reader.integer()
            case "action": try members.mark(2, reader); action = try reader.enumeration(RecordAction.self)
            case "domain": try members.mark(3, reader); domain = try reader.string()
            case "itemType": try members.mark(4, reader); itemType = try reader.string()
            case "regionCode": try members.mark(5, reader); regionCode = try reader.string()
            case "source": try members.mark(6, reader); source = try reader.sourceReference()
            case "projectCode": try members.mark(7, reader); projectCode = try reader.optionalString()
            case "projectName": try members.mark(8, reader); projectName = try reader.optionalString()
            case "title": try members.mark(9, reader); title = try reader.string()
            case "responsible": try members.mark(10, reader); responsible = try reader.party()
            case "formedOn": try members.mark(11, reader); formedOn = try reader.date()
            case "publishedOn": try members.mark(12, reader); publishedOn = reader.null() ? nil : try reader.date()
            case "receivedAt": try members.mark(13, reader); receivedAt = try reader.string()
            case "dueOn": try members.mark(14, reader); dueOn = try reader.date()
            case "late": try members.mark(15, reader); late = try reader.bool()
            case "parties":
                try members.mark(16, reader)
                parties = try reader.optionalArray { (inner: inout CanonicalJSONReader) throws(Failure) in try inner.party() }
            case "amounts":
                try members.mark(17, reader)
                amounts = try reader.optionalArray { (inner: inout CanonicalJSONReader) throws(Failure) in try inner.moneyAmount() }
            case "fields":
                try members.mark(18, reader)
                if !reader.null() {
                    guard case .object(let object) = try reader.value() else { throw reader.failure("fields is not an object") }
                    fields = object
                }
            case "documents":
                try members.mark(19, reader)
                documents = try reader.optionalArray { (inner: inout CanonicalJSONReader) throws(Failure) in try inner.documentLink() }
            case "redacted":
                try members.mark(20, reader)
                redacted = try reader.optionalArray { (inner: inout CanonicalJSONReader) throws(Failure) in try inner.string() }
            case "creditRecordIds":
                try members.mark(21, reader)
                creditRecordIds = try reader.optionalArray { (inner: inout CanonicalJSONReader) throws(Failure) in try inner.string() }
            default: throw reader.failure("unknown key \(key)")
            }
        }
        return HubRecord(
            recordId: try members.require(recordId, "recordId", self), version: try members.require(version, "version", self),
            action: try members.require(action, "action", self), domain: try members.require(domain, "domain", self),
            itemType: try members.require(itemType, "itemType", self), regionCode: try members.require(regionCode, "regionCode", self),
            source: try members.require(source, "source", self), projectCode: projectCode, projectName: projectName,
            title: try members.require(title, "title", self), responsible: try members.require(responsible, "responsible", self),
            formedOn: try members.require(formedOn, "formedOn", self), publishedOn: publishedOn,
            receivedAt: try members.require(receivedAt, "receivedAt", self), dueOn: try members.require(dueOn, "dueOn", self),
            late: try members.require(late, "late", self), parties: parties, amounts: amounts, fields: fields, documents: documents,
            redacted: redacted, creditRecordIds: creditRecordIds)
    }

    public mutating func creditRecord() throws(Failure) -> CreditRecord {
        var members = Members()
        var creditRecordId: String?, version: Int?, action: RecordAction?, recordKind: CreditRecordKind?, domain: String?
        var regionCode: String?, source: SourceReference?, hubRecordId: String?, severity: CreditSeverity?
        var category: CreditSubjectCategory?, dates: [String: LocalDate] = [:]
        // The standard's text fields, required and optional alike, by their codes.
        var texts: [String: String] = [:]
        try object { (key: String, reader: inout CanonicalJSONReader) throws(Failure) in
            switch key {
            case "creditRecordId": try members.mark(0, reader); creditRecordId = try reader.string()
            case "version": try members.mark(1, reader); version = try reader.integer()
            case "action": try members.mark(2, reader); action = try reader.enumeration(RecordAction.self)
            case "recordKind": try members.mark(3, reader); recordKind = try reader.enumeration(CreditRecordKind.self)
            case "domain": try members.mark(4, reader); domain = try reader.string()
            case "regionCode": try members.mark(5, reader); regionCode = try reader.string()
            case "source": try members.mark(6, reader); source = try reader.sourceReference()
            case "hubRecordId": try members.mark(7, reader); hubRecordId = try reader.string()
            case "severity": try members.mark(8, reader); severity = try reader.enumeration(CreditSeverity.self)
            case "CF_XDR_LB": try members.mark(9, reader); category = try reader.enumeration(CreditSubjectCategory.self)
            case "CF_JDRQ", "CF_YXQ", "CF_GSJZQ":
                guard dates[key] == nil else { throw reader.failure("repeated key") }
                if key == "CF_GSJZQ" && reader.null() { return }
                dates[key] = try reader.date()
            default:
                guard let bit = Self.creditTextBits[key] else { throw reader.failure("unknown key \(key)") }
                try members.mark(bit, reader)
                if let text = try reader.optionalString() {
                    texts[key] = text
                } else if !Self.optionalCreditTexts.contains(key) {
                    throw reader.failure("\(key) is null")
                }
            }
        }
        func required(_ key: String) throws(Failure) -> String { try members.require(texts[key], key, self) }
        return CreditRecord(
            creditRecordId: try members.require(creditRecordId, "creditRecordId", self), version: try members.require(version, "version", self),
            action: try members.require(action, "action", self), recordKind: try members.require(recordKind, "recordKind", self),
            domain: try members.require(domain, "domain", self), regionCode: try members.require(regionCode, "regionCode", self),
            source: try members.require(source, "source", self), hubRecordId: try members.require(hubRecordId, "hubRecordId", self),
            severity: try members.require(severity, "severity", self), CF_XDR_MC: try required("CF_XDR_MC"),
            CF_XDR_LB: try members.require(category, "CF_XDR_LB", self), CF_XDR_SHXYM: texts["CF_XDR_SHXYM"],
            CF_XDR_GSZC: texts["CF_XDR_GSZC"], CF_XDR_ZZJG: texts["CF_XDR_ZZJG"], CF_XDR_SWDJ: texts["CF_XDR_SWDJ"],
            CF_XDR_SYDW: texts["CF_XDR_SYDW"], CF_XDR_SHZZ: texts["CF_XDR_SHZZ"], CF_FRDB: texts["CF_FRDB"],
            CF_FR_ZJLX: texts["CF_FR_ZJLX"], CF_FR_ZJHM: texts["CF_FR_ZJHM"], CF_XDR_ZJLX: texts["CF_XDR_ZJLX"],
            CF_XDR_ZJHM: texts["CF_XDR_ZJHM"], CF_WSH: try required("CF_WSH"), CF_WFXW: try required("CF_WFXW"),
            CF_SY: try required("CF_SY"), CF_YJ: try required("CF_YJ"), CF_CFLB: try required("CF_CFLB"), CF_NR: try required("CF_NR"),
            CF_NR_FK: texts["CF_NR_FK"], CF_NR_WFFF: texts["CF_NR_WFFF"], CF_NR_ZKDX: texts["CF_NR_ZKDX"],
            CF_JDRQ: try members.require(dates["CF_JDRQ"], "CF_JDRQ", self), CF_YXQ: try members.require(dates["CF_YXQ"], "CF_YXQ", self),
            CF_GSJZQ: dates["CF_GSJZQ"], CF_CFJG: try required("CF_CFJG"), CF_CFJGDM: try required("CF_CFJGDM"),
            CF_SJLY: try required("CF_SJLY"), CF_SJLYDM: try required("CF_SJLYDM"), BZ: texts["BZ"])
    }

    private static let requiredCreditTexts = [
        "CF_XDR_MC", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM",
    ]
    private static let optionalCreditTexts: Set<String> = [
        "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ", "CF_XDR_SYDW", "CF_XDR_SHZZ", "CF_FRDB", "CF_FR_ZJLX",
        "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX", "BZ",
    ]
    /// Bits 10 and up of `Members`, one per text field.
    private static let creditTextBits: [String: Int] = Dictionary(
        uniqueKeysWithValues: (requiredCreditTexts + optionalCreditTexts.sorted()).enumerated().map { ($1, $0 + 10) })
}

extension HubRecord {
    /// A record as the store keeps it: read by `CanonicalJSONReader`, or by `JSONDecoder` when the reader
    /// refuses the bytes (then with `JSONDecoder`'s error, if any).
    public init(storedJSON data: Data) throws {
        if let record = try? CanonicalJSONReader.read(data, { (reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.Failure) in
            try reader.hubRecord()
        }) {
            self = record
        } else {
            self = try JSONDecoder().decode(HubRecord.self, from: data)
        }
    }
}

extension CreditRecord {
    /// A record as the store keeps it; see ``HubRecord/init(storedJSON:)``.
    public init(storedJSON data: Data) throws {
        if let record = try? CanonicalJSONReader.read(data, { (reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.Failure) in
            try reader.creditRecord()
        }) {
            self = record
        } else {
            self = try JSONDecoder().decode(CreditRecord.self, from: data)
        }
    }
}
