/// The queue of request faults and the rejection rules of one stand-in.
actor FaultInjector<Record: Sendable> {
    /// A rejection rule: by id, by field text (from JSON), or by a Swift predicate.
    struct RejectionRule: Sendable {
        var reason: String
        var matches: @Sendable (_ id: String, _ fields: [String: String], _ record: Record) -> Bool
    }

    private var requestFaults: [(fault: StandInFault, remaining: Int)] = []
    private var rejectionRules: [RejectionRule] = []
    /// How often each kind of fault took effect, for the state snapshot.
    private(set) var applied: [StandInFault.Kind: Int] = [:]

    func inject(_ fault: StandInFault) {
        if fault.isRequestFault {
            let count = max(fault.count ?? 1, 1)
            requestFaults.append((fault, count))
            return
        }
        let reason = fault.reason ?? "rejected by the stand-in's \(fault.kind.rawValue) rule"
        switch fault.kind {
        case .rejectRecord:
            let id = fault.recordId ?? ""
            rejectionRules.append(RejectionRule(reason: reason) { recordId, _, _ in recordId == id })
        case .rejectWhereFieldContains:
            let field = fault.field ?? ""
            let text = fault.text ?? ""
            rejectionRules.append(
                RejectionRule(reason: reason) { _, fields, _ in fields[field]?.contains(text) ?? false }
            )
        default:
            break
        }
    }

    func reject(reason: String, where predicate: @escaping @Sendable (Record) -> Bool) {
        rejectionRules.append(RejectionRule(reason: reason) { _, _, record in predicate(record) })
    }

    func clear() {
        requestFaults.removeAll()
        rejectionRules.removeAll()
    }

    /// The fault for the next protocol request, if any (consumes one of its `count`).
    func nextRequestFault() -> StandInFault? {
        guard !requestFaults.isEmpty else { return nil }
        let fault = requestFaults[0].fault
        requestFaults[0].remaining -= 1
        if requestFaults[0].remaining == 0 { requestFaults.removeFirst() }
        applied[fault.kind, default: 0] += 1
        return fault
    }

    /// The reason of the first rule that refuses the record, if any.
    ///
    /// - Parameter fields: the record's top-level string fields, for field rules.
    /// Whether any rule may refuse a record: only then do the stand-ins extract the fields rules look at.
    var hasRejectionRules: Bool { !rejectionRules.isEmpty }

    func rejection(id: String, fields: [String: String], record: Record) -> String? {
        guard let rule = rejectionRules.first(where: { $0.matches(id, fields, record) }) else { return nil }
        applied[.rejectRecord, default: 0] += 1
        return rule.reason
    }

    var pendingRequestFaults: Int {
        requestFaults.reduce(0) { $0 + $1.remaining }
    }
}
