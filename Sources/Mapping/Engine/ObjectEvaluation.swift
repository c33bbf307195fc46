import ExchangeStandard
import XMLStream

/// Where an evaluated instance sits in its record (`parties[3]`, `responsible`, `credit[0]`, or "" for the hub
/// record), kept in parts: the text is needed only for problems and traces, and formatting it for every
/// party and amount of every record cost more than reading most of their fields.
struct InstancePath {
    /// The enclosing instance's path with its dot (`""` at the top).
    var prefix: String
    var name: String
    /// The position among its siblings, for lists.
    var index: Int?

    static let top = InstancePath(prefix: "", name: "", index: nil)

    var text: String {
        guard let index else { return prefix + name }
        return "\(prefix)\(name)[\(index)]"
    }

    /// The prefix of the instance's own fields: `parties[3].`, or nothing at the top.
    var fieldPrefix: String {
        let text = text
        return text.isEmpty ? "" : text + "."
    }
}

/// The evaluated fields of every object of one record (the hub record, its responsible body, parties and amounts, the
/// credit records), in two flat lists that a mapping thread reuses from record to record.
///
/// An object per instance, with a list of its fields and one of its child instances, was about 20 of the 54
/// allocations of mapping a record, each freed again when the record was done (make bench-profile). Here every
/// instance's fields follow one another in `evaluations`, and an instance names its parent instead of holding its
/// children; emptying the lists for the next record keeps their storage.
final class RecordValues {
    /// One evaluated instance of an object spec.
    struct Instance {
        /// Borrowed: the mapping holds its specs for as long as it maps records.
        let spec: Unmanaged<ObjectSpec>
        let path: InstancePath
        /// The instance whose child it is, or -1 at the top of the record.
        let parent: Int32
        /// Which of the parent's child lists it is in (the index in its spec's `children`); at the top, which list of
        /// the record (``RecordValues/hubList``, ``RecordValues/creditList``).
        let list: Int32
        /// Where its fields start in `evaluations`: first those of the spec's `fields`, then its `freeFields`.
        let fieldStart: Int32
    }

    /// The record's top-level lists.
    static let hubList: Int32 = 0
    static let creditList: Int32 = 1

    @exclusivity(unchecked) private(set) var evaluations: [Evaluation] = []
    @exclusivity(unchecked) private(set) var instances: [Instance] = []

    /// Storage kept for the next record, in fields; a record beyond it (thousands of parties) gives its storage back.
    private static let retainedCapacity = 4096

    /// Empties both lists for the next record.
    func reset() {
        let keep = evaluations.capacity <= Self.retainedCapacity
        evaluations.removeAll(keepingCapacity: keep)
        instances.removeAll(keepingCapacity: keep)
    }

    /// Adds an instance whose fields are to be appended next; returns its index.
    func beginInstance(_ spec: ObjectSpec, path: InstancePath, parent: Int32, list: Int32) -> Int32 {
        let index = Int32(instances.count)
        instances.append(
            Instance(
                spec: .passUnretained(spec), path: path, parent: parent, list: list, fieldStart: Int32(evaluations.count)))
        return index
    }

    func append(_ evaluation: consuming Evaluation) {
        evaluations.append(evaluation)
    }

    /// The instances of one list, in order: `parent`'s child list `list`, or a top-level list when `parent` is -1.
    /// An instance's descendants follow it, so the members of a list are found after the parent.
    func forEachMember(of parent: Int32, list: Int32, _ body: (Int) -> Bool) {
        var index = Int(parent) + 1
        while index < instances.count {
            if instances[index].parent == parent && instances[index].list == list, !body(index) { return }
            index += 1
        }
    }
}

/// The evaluated fields of one output object (hub record, party, amount, credit record), before they are turned into
/// typed records: a view of one instance in ``RecordValues``, valid while its record is being mapped.
///
/// Fields are found by name with a linear search over the spec's names: an object has a handful of fields, and that
/// is cheaper than hashing into a dictionary built for every instance.
struct ObjectValues {
    /// Borrowed: the mapping thread's store outlives the view, which lives for one record.
    private let store: Unmanaged<RecordValues>
    let index: Int

    init(_ store: RecordValues, index: Int) {
        self.store = .passUnretained(store)
        self.index = index
    }

    /// `parties[3]`: the instance's place in its record.
    var path: String { store._withUnsafeGuaranteedRef { $0.instances[index].path.text } }
    /// A field's full name (`parties[2].uscc`): for problems, so formatted only when there is one.
    func fieldName(_ name: String) -> String { path + "." + name }

    /// Where `name`'s evaluation is in the store.
    private func position(of name: String) -> Int? {
        store._withUnsafeGuaranteedRef { store in
            // The parts read one by one: copying the instance retained its path.
            let start = Int(store.instances[index].fieldStart)
            return store.instances[index].spec._withUnsafeGuaranteedRef { spec in
                // Lengths first: they are read inline, and most names differ in length (comparing unequal strings is a call).
                let length = name.utf8.count
                for slot in spec.fieldNames.indices where spec.fieldNames[slot].utf8.count == length && spec.fieldNames[slot] == name {
                    return start + slot
                }
                return nil
            }
        }
    }

    func value(_ name: String) -> FieldValue? {
        guard let position = position(of: name) else { return nil }
        return store._withUnsafeGuaranteedRef { $0.evaluations[position].first }
    }

    /// Read in place: copying the value out and then its text retained the text twice (builders read every field so).
    func text(_ name: String) -> String? {
        guard let position = position(of: name) else { return nil }
        return store._withUnsafeGuaranteedRef { store in
            guard let text = store.evaluations[position].values.firstText, !text.isEmpty else { return nil }
            return text
        }
    }

    func date(_ name: String) -> LocalDate? {
        if case .date(let date)? = value(name) { return date }
        return nil
    }

    func amount(_ name: String) -> Amount? {
        if case .amount(let amount)? = value(name) { return amount }
        return nil
    }

    /// Whether the field's value failed a transform or a conversion: it then carries its own problem, and a missing
    /// value needs no second one.
    func failed(_ name: String) -> Bool {
        guard let position = position(of: name) else { return false }
        return store._withUnsafeGuaranteedRef { $0.evaluations[position].failed }
    }

    /// The evaluated `fields:` map as JSON, those without a value left out: one value as itself, several as an array.
    /// Read in place: handing each evaluation to a closure copied it.
    var freeFieldsJSON: [String: JSONValue] {
        store._withUnsafeGuaranteedRef { store in
            store.instances[index].spec._withUnsafeGuaranteedRef { spec in
                let start = Int(store.instances[index].fieldStart) + spec.fields.count
                var fields: [String: JSONValue] = [:]
                for slot in spec.freeFields.indices where !store.evaluations[start + slot].values.isEmpty {
                    let values = store.evaluations[start + slot].values
                    fields[spec.freeFields[slot].name] = values.count == 1 ? values[0].json : .array(values.map(\.json))
                }
                return fields
            }
        }
    }

    /// Calls `body` with each of the first `limit` instances of the child list `name` that has input values.
    func forEachInstanceWithInput(_ name: String, amongFirst limit: Int = .max, _ body: (ObjectValues) -> Void) {
        store._withUnsafeGuaranteedRef { store in
            guard let list = store.instances[index].spec._withUnsafeGuaranteedRef({ $0.childNames.firstIndex(of: name) }) else { return }
            var seen = 0
            store.forEachMember(of: Int32(index), list: Int32(list)) { member in
                guard seen < limit else { return false }
                seen += 1
                let instance = ObjectValues(store, index: member)
                if instance.hasInputValues { body(instance) }
                return true
            }
        }
    }

    /// Whether any field came from the input rather than from constants and defaults.
    var hasInputValues: Bool {
        store._withUnsafeGuaranteedRef { store in
            let start = Int(store.instances[index].fieldStart)
            let count = store.instances[index].spec._withUnsafeGuaranteedRef { $0.fields.count }
            return (start..<start + count).contains { store.evaluations[$0].origin != nil && !store.evaluations[$0].values.isEmpty }
        }
    }
}

/// Evaluates object specs into a record's ``RecordValues``, collecting problems and the trace of every field it fills.
struct ObjectEvaluator {
    let evaluator = ValueEvaluator()
    /// The mapping thread's store, emptied for this record.
    let store: RecordValues
    var problems: [RecordProblem] = []
    /// Whether to keep the trace: the gateway stores it with every record; `translate` prints it only with `--trace`.
    var tracing = true
    var trace: [TraceEntry] = []

    init(store: RecordValues, tracing: Bool) {
        store.reset()
        self.store = store
        self.tracing = tracing
    }

    /// Appends one instance of `spec` to the list `list` of `parent` (-1: a top-level list of the record): one without
    /// `forEach`, one per selected element with it. `count` is the number of instances the list has so far, and
    /// `path` names an instance by its index among them (`parties[3]`), for problems and the trace.
    mutating func evaluate(
        _ spec: ObjectSpec, in scope: PathScope, parent: Int32, list: Int32, count: inout Int, path: (Int) -> InstancePath
    ) {
        // Each scope is evaluated as it is made: collecting them first was an array per object of every record.
        guard let forEach = spec.forEach else {
            if spec.when.map({ evaluator.holds($0, in: scope) }) ?? true {
                fill(spec, in: scope, path: path(count), parent: parent, list: list)
                count += 1
            }
            return
        }
        for item in forEach.evaluate(in: scope) {
            guard case .element(let element) = item else { continue }
            var inner = scope.with(context: element)
            if let name = spec.bindAs { inner.variables[name] = [item] }
            if let when = spec.when, !evaluator.holds(when, in: inner) { continue }
            fill(spec, in: inner, path: path(count), parent: parent, list: list)
            count += 1
        }
    }

    /// The instances of a top-level list of the record.
    func members(ofTopList list: Int32) -> [ObjectValues] {
        var members: [ObjectValues] = []
        store.forEachMember(of: -1, list: list) { index in
            members.append(ObjectValues(store, index: index))
            return true
        }
        return members
    }

    private mutating func fill(_ spec: ObjectSpec, in scope: PathScope, path: InstancePath, parent: Int32, list: Int32) {
        let index = store.beginInstance(spec, path: path, parent: parent, list: list)
        // Formatted once per instance when traced (every field names it), else only for a problem.
        let tracedPrefix = tracing ? path.fieldPrefix : nil
        // The expressions are borrowed from the spec, which outlives the call: reading them from the list retained
        // and released each one for every field of every record (make bench-profile).
        // So is the field's name, read only for a problem or the trace: binding it retained and released it for every
        // field of every record (make bench-refcounts).
        let borrowedSpec = Unmanaged.passUnretained(spec)
        for field in spec.fields.indices {
            let expression = Unmanaged.passUnretained(spec.fields[field].value)
            let evaluation = expression._withUnsafeGuaranteedRef {
                evaluateField($0, in: scope) { (tracedPrefix ?? path.fieldPrefix) + borrowedSpec._withUnsafeGuaranteedRef { $0.fields[field].name } }
            }
            store.append(evaluation)
        }
        for (name, expression) in spec.freeFields {
            store.append(evaluateField(expression, in: scope) { (tracedPrefix ?? path.fieldPrefix) + "fields." + name })
        }
        if !spec.children.isEmpty {
            let childPrefix = tracedPrefix ?? path.fieldPrefix
            for (child, (name, specs)) in spec.children.enumerated() {
                var count = 0
                let multiple = spec.childAllowsSeveral[child]
                for childSpec in specs {
                    evaluate(childSpec, in: scope, parent: index, list: Int32(child), count: &count) {
                        InstancePath(prefix: childPrefix, name: name, index: multiple ? $0 : nil)
                    }
                }
            }
        }
    }

    /// The field's full name (`parties[2].uscc`) is only formatted, by `fullName`, for a problem or the trace.
    private mutating func evaluateField(_ expression: ValueExpression, in scope: PathScope, fullName: () -> String) -> Evaluation {
        let evaluation = evaluator.evaluate(expression, in: scope, field: fullName(), problems: &problems)
        if tracing && !evaluation.values.isEmpty {
            trace.append(
                TraceEntry(field: fullName(), rule: expression.traceRule, source: expression.sourceDescription, at: evaluation.origin?.description))
        }
        return evaluation
    }
}
