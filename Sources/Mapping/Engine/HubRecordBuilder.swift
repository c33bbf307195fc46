import ExchangeStandard

/// Turns a hub record's evaluated fields into a `HubRecord`, checking every rule of `spec/hub-record.md`
/// and collecting all problems rather than stopping at the first.
struct HubRecordBuilder {
    var problems: [RecordProblem] = []

    /// `standard` and `context` are borrowed for the call: a builder holding them copied both (retaining every
    /// table in them) for every record.
    mutating func build(
        _ values: ObjectValues, standard: StandardData, context: TranslationContext, recordId: String, sourceRecordId: String,
        redacted: [String]
    ) -> HubRecord? {
        let domain = required(values, "domain")
        let itemType = required(values, "itemType")
        if let domain, !standard.catalog.hasDomain(code: domain) {
            problems.append(RecordProblem(field: "domain", value: domain, failure: CatalogError.unknownDomain(domain)))
        }
        // Looked up once: each lookup hashed the code and copied the entry.
        let itemTypeEntry = itemType.flatMap { standard.catalog.itemType(code: $0) }
        if let itemType {
            if itemTypeEntry == nil {
                problems.append(RecordProblem(field: "itemType", value: itemType, failure: CatalogError.unknownItemType(itemType)))
            } else if let domain, !itemType.hasPrefix(domain + ".") {
                problems.append(ProblemMessages.domainMismatch("itemType", itemType: itemType, domain: domain))
            }
        }
        let regionCode = required(values, "regionCode")
        if let regionCode, let failure = RegionCode.validate(regionCode).failure {
            problems.append(RecordProblem(field: "regionCode", value: regionCode, failure: failure))
        }
        let title = required(values, "title")
        let formedOn = requiredDate(values, "formedOn")
        let publishedOn = values.date("publishedOn")

        // The first instance only: it must have input values, or the record has no responsible body.
        var responsible: Party?
        var hasResponsible = false
        values.forEachInstanceWithInput("responsible", amongFirst: 1) {
            hasResponsible = true
            responsible = party($0, usccRequired: true)
        }
        if !hasResponsible { problems.append(ProblemMessages.required("responsible")) }
        var parties: [Party] = []
        values.forEachInstanceWithInput("parties") { if let value = party($0, usccRequired: false) { parties.append(value) } }
        var amounts: [MoneyAmount] = []
        values.forEachInstanceWithInput("amounts") { if let value = amount($0) { amounts.append(value) } }
        var documents: [DocumentLink] = []
        values.forEachInstanceWithInput("documents") { if let value = document($0) { documents.append(value) } }

        var decision: DisclosureDecision?
        let decisionText = values.text("decision")
        if let text = decisionText, text != "none" {
            decision = DisclosureDecision(rawValue: text)
            if decision == nil {
                problems.append(ProblemMessages.enumeration("decision", value: text, allowed: TargetSchema.decisionKinds))
            }
        }
        var dueOn: LocalDate?
        if let formedOn, let itemTypeEntry {
            // "none" says explicitly that this record is no licensing or penalty decision, whatever its item type's default.
            let workingDays =
                decisionText == "none"
                ? itemTypeEntry.deadline.workingDays : standard.catalog.deadlineWorkingDays(of: itemTypeEntry, decision: decision)
            do throws(CalendarError) {
                dueOn = try DisclosureDeadline.computeDeadline(formedOn: formedOn, workingDays: workingDays, calendar: standard.calendar)
            } catch {
                problems.append(RecordProblem(field: "formedOn", value: formedOn.description, failure: error))
            }
        }

        let fields = values.freeFieldsJSON

        guard problems.isEmpty, let domain, let itemType, let regionCode, let title, let formedOn, let responsible, let dueOn else {
            return nil
        }
        return HubRecord(
            recordId: recordId, version: 1, action: .publish, domain: domain, itemType: itemType, regionCode: regionCode,
            source: SourceReference(system: context.sourceSystem, recordId: sourceRecordId, batchId: context.batchId),
            projectCode: values.text("projectCode"), projectName: values.text("projectName"), title: title, responsible: responsible,
            formedOn: formedOn, publishedOn: publishedOn, receivedAt: context.receivedAt, dueOn: dueOn,
            late: DisclosureDeadline.isLate(dueOn: dueOn, receivedOn: context.receivedOn, publishedOn: publishedOn),
            parties: parties.isEmpty ? nil : parties, amounts: amounts.isEmpty ? nil : amounts, fields: fields.isEmpty ? nil : fields,
            documents: documents.isEmpty ? nil : documents, redacted: redacted.isEmpty ? nil : redacted)
    }

    // MARK: - Parts

    private mutating func party(_ values: ObjectValues, usccRequired: Bool) -> Party? {
        let name = required(values, "name", field: values.fieldName("name"))
        let role = values.text("role") ?? (usccRequired ? "责任主体" : nil)
        if role == nil { problems.append(ProblemMessages.required(values.fieldName("role"))) }
        var kind = PartyKind.legalPerson
        if let text = values.text("kind") {
            if let parsed = PartyKind(rawValue: text) {
                kind = parsed
            } else {
                problems.append(ProblemMessages.enumeration(values.fieldName("kind"), value: text, allowed: PartyKind.allCases.map(\.rawValue)))
            }
        }
        let uscc = values.text("uscc")
        if let uscc {
            if let failure = USCC.validate(uscc).failure {
                problems.append(RecordProblem(field: values.fieldName("uscc"), value: uscc, failure: failure))
            }
        } else if usccRequired {
            problems.append(ProblemMessages.required(values.fieldName("uscc")))
        }
        let idType = values.text("idType")
        var idNumber = values.text("idNumber")
        if let number = idNumber, idType == nil || idType == "身份证" {
            if let failure = ResidentIDNumber.validate(number).failure {
                problems.append(RecordProblem(field: values.fieldName("idNumber"), value: number, failure: failure))
            }
        }
        // A natural person's ID number never reaches the hub unmasked (spec/hub-record.md), so it is
        // masked here and the hub record in the store is already what the hub may see.
        if let number = idNumber { idNumber = PersonalDataMasking.maskIDNumber(number) }
        guard let name, let role else { return nil }
        return Party(role: role, name: name, uscc: uscc, kind: kind, idType: idType, idNumber: idNumber)
    }

    private mutating func amount(_ values: ObjectValues) -> MoneyAmount? {
        let kind = required(values, "kind", field: values.fieldName("kind"))
        let amount = values.amount("value")
        if amount == nil, !values.failed("value") {
            problems.append(ProblemMessages.required(values.fieldName("value")))
        }
        guard let kind, let amount else { return nil }
        return MoneyAmount(kind: kind, value: amount.yuanString)
    }

    private mutating func document(_ values: ObjectValues) -> DocumentLink? {
        let name = required(values, "name", field: values.fieldName("name"))
        let url = required(values, "url", field: values.fieldName("url"))
        guard let name, let url else { return nil }
        return DocumentLink(name: name, url: url, sha256: values.text("sha256"))
    }

    // MARK: - Checks

    private mutating func required(_ values: ObjectValues, _ name: String, field: @autoclosure () -> String? = nil) -> String? {
        if let text = values.text(name) { return text }
        // A value that failed a transform already carries its own problem.
        if !values.failed(name) { problems.append(ProblemMessages.required(field() ?? name)) }
        return nil
    }

    private mutating func requiredDate(_ values: ObjectValues, _ name: String) -> LocalDate? {
        if let date = values.date(name) { return date }
        if !values.failed(name) { problems.append(ProblemMessages.required(name)) }
        return nil
    }
}
