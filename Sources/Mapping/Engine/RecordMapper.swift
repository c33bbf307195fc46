import ExchangeStandard
import Foundation
import XMLStream

/// What a mapping thread keeps from one record to the next: the element names it looked up, and the store its records'
/// fields are evaluated into. One per thread: a record is mapped with the workspace of the thread mapping it.
struct MappingWorkspace {
    var names = NameLookupCache()
    let values = RecordValues()
}

/// Maps one streamed record element through its record spec: redaction, hub record, credit records,
/// validation, ids, content hash and trace.
public struct RecordMapper: Sendable {
    public let spec: MappingSpec
    public let standard: StandardData

    public init(spec: MappingSpec, standard: StandardData) {
        self.spec = spec
        self.standard = standard
    }

    /// Nil when the record spec's `when:` excludes the element.
    /// - Parameter tracing: whether to record, for every field, the rule and input that produced it.
    public func map(_ streamed: XMLStreamedRecord, context: TranslationContext, tracing: Bool = true) -> RecordOutcome? {
        var workspace = MappingWorkspace()
        return map(streamed, context: context, tracing: tracing, workspace: &workspace)
    }

    func map(_ streamed: XMLStreamedRecord, context: TranslationContext, tracing: Bool, workspace: inout MappingWorkspace) -> RecordOutcome? {
        let recordSpec = spec.records[streamed.patternIndex]
        let position = streamed.position
        var tree = RecordTree(streamed, names: &workspace.names)
        var scope = PathScope(record: tree)
        let evaluator = ValueEvaluator()
        if let when = recordSpec.when, !evaluator.holds(when, in: scope) { return nil }

        // Secrets are cut out of the tree before any field is evaluated, so no rule can map them by mistake.
        var redacted: [String] = []
        if !recordSpec.redactions.isEmpty {
            var removed: Set<XMLPosition> = []
            for rule in recordSpec.redactions {
                for case .element(let target) in rule.select.evaluate(in: scope) {
                    removed.insert(tree.position(target))
                    let name = evaluator.evaluate(rule.name, in: scope.with(context: target), field: "redacted").first?.text
                    if let name, !redacted.contains(name) { redacted.append(name) }
                }
            }
            if !removed.isEmpty {
                tree = RecordTree(record: Self.removing(removed, from: streamed.element), ancestors: streamed.ancestors, names: &workspace.names)
                scope = PathScope(record: tree)
            }
        }

        var objects = ObjectEvaluator(store: workspace.values, tracing: tracing)
        var idProblems: [RecordProblem] = []
        let idEvaluation = evaluator.evaluate(recordSpec.id, in: scope, field: "id", problems: &idProblems)
        guard let sourceRecordId = idEvaluation.first?.text, !sourceRecordId.isEmpty else {
            return .rejected(
                RecordRejection(
                    sourceRecordId: nil, recordSpec: recordSpec.name, line: position.line, column: position.column,
                    problems: idProblems + [ProblemMessages.required("id")]))
        }
        var problems: [RecordProblem] = []
        var sourceAction = RecordAction.publish
        if let actionExpression = recordSpec.action {
            let evaluation = evaluator.evaluate(actionExpression, in: scope, field: "action", problems: &problems)
            if let text = evaluation.first?.text {
                if let action = RecordAction(rawValue: text) {
                    sourceAction = action
                } else {
                    problems.append(ProblemMessages.enumeration("action", value: text, allowed: RecordAction.allCases.map(\.rawValue)))
                }
            }
        }

        var hubCount = 0
        let hubIndex = objects.store.instances.count
        objects.evaluate(recordSpec.hub, in: scope, parent: -1, list: RecordValues.hubList, count: &hubCount) { _ in .top }
        // The first instance of the list: those of a hub spec with `forEach` follow it, after its children.
        let hubValues = hubCount == 0 ? nil : ObjectValues(objects.store, index: hubIndex)
        var creditCount = 0
        for creditSpec in recordSpec.credits {
            objects.evaluate(creditSpec, in: scope, parent: -1, list: RecordValues.creditList, count: &creditCount) {
                InstancePath(prefix: "", name: "credit", index: $0)
            }
        }
        let creditValues = creditCount == 0 ? [] : objects.members(ofTopList: RecordValues.creditList)
        problems += objects.problems

        let hubRecordId = RecordIdentity.hubRecordId(system: context.sourceSystem, sourceRecordId: sourceRecordId)
        var hubBuilder = HubRecordBuilder()
        var hub = hubValues.flatMap {
            hubBuilder.build($0, standard: standard, context: context, recordId: hubRecordId, sourceRecordId: sourceRecordId, redacted: redacted)
        }
        problems += hubBuilder.problems

        var creditBuilder = CreditRecordBuilder()
        var credits: [MappedCreditRecord] = []
        // The parts of the hub record credit records repeat, taken once (handing the record itself copied it).
        let hubParts =
            creditValues.isEmpty ? nil : hub.map { CreditRecordBuilder.HubParts(domain: $0.domain, regionCode: $0.regionCode, source: $0.source) }
        for values in creditValues {
            if let built = creditBuilder.build(values, context: context, hub: hubParts, sourceRecordId: sourceRecordId, hubRecordId: hubRecordId) {
                var record = built.record
                record.action = sourceAction == .withdraw ? .withdraw : .publish
                credits.append(MappedCreditRecord(record: record, publishOnCreditZhejiang: built.publish))
            }
        }
        problems += creditBuilder.problems

        // Not `hub != nil`: a record is Equatable, so that compared a copy of it with nil through the record's `==`.
        guard problems.isEmpty, case .some = hub else {
            return .rejected(
                RecordRejection(
                    sourceRecordId: sourceRecordId, recordSpec: recordSpec.name, line: position.line, column: position.column,
                    problems: Self.deduplicated(problems)))
        }
        // Changed where it lies and moved out, not bound to a variable first: each binding copied the record (a retain
        // and a release of every field).
        hub?.action = sourceAction == .withdraw ? .withdraw : .publish
        if !credits.isEmpty { hub?.creditRecordIds = credits.map(\.record.creditRecordId) }
        return .mapped(
            MappedRecord(
                sourceRecordId: sourceRecordId, recordSpec: recordSpec.name, hub: hub.take()!, credits: credits, sourceAction: sourceAction,
                trace: objects.trace, line: position.line, column: position.column))
    }

    static func removing(_ positions: Set<XMLPosition>, from element: XMLElementNode) -> XMLElementNode {
        var copy = element
        copy.children = element.children.compactMap { child in
            guard case .element(let inner) = child else { return child }
            if positions.contains(inner.position) { return nil }
            return .element(removing(positions, from: inner))
        }
        return copy
    }

    static func deduplicated(_ problems: [RecordProblem]) -> [RecordProblem] {
        var seen: Set<RecordProblem> = []
        return problems.filter { seen.insert($0).inserted }
    }

    // MARK: - Content hashes

    /// Hash of what the record says, leaving out what changes on every arrival (version, action,
    /// received-at, batch, late), so a resend of the same content is recognised as unchanged.
    public static func contentHash(of record: HubRecord) -> String {
        var neutral = record
        neutral.version = 0
        neutral.action = .publish
        neutral.receivedAt = ""
        neutral.source.batchId = ""
        neutral.late = false
        return SHA256Digest.hex(of: neutral.canonicalJSON)
    }

    public static func contentHash(of record: CreditRecord) -> String {
        var neutral = record
        neutral.version = 0
        neutral.action = .publish
        neutral.source.batchId = ""
        return SHA256Digest.hex(of: neutral.canonicalJSON)
    }
}
