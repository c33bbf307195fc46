import ExchangeStandard
import XMLStream

/// The evaluated fields of one output object (hub record, party, amount, credit record), before they
/// are turned into typed records.
/// Named values in the order of their spec, looked up by name: an object has a handful of fields, and a
/// linear search over them is cheaper than hashing into a dictionary built for every instance. The names
/// are the spec's own list, shared by every instance.
struct NamedValues<Value> {
    private(set) var names: [String] = []
    private(set) var values: [Value] = []

    init() {}

    /// Values to come for `names`, appended in that order.
    init(names: [String]) {
        self.names = names
        values.reserveCapacity(names.count)
    }

    subscript(name: String) -> Value? {
        index(of: name).map { values[$0] }
    }

    /// Where `name`'s value is: for reading part of it in place, without copying the whole value.
    func index(of name: String) -> Int? {
        // Lengths first: they are read inline, and most names differ in length (comparing unequal strings is a call).
        let length = name.utf8.count
        for index in values.indices where names[index].utf8.count == length && names[index] == name { return index }
        return nil
    }

    /// Adds the value of the next name.
    mutating func append(_ value: consuming Value) {
        precondition(values.count < names.count, "NamedValues: more values than names")
        values.append(value)
    }
}

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

/// A class, not a struct: builders read instances held in lists, and reading a struct out of a list (or through a
/// pointer) copied it, retaining and releasing every string and list it holds, several times per party and amount of
/// every record (make bench-profile). A reference is retained once, or not at all. Filled once by `ObjectEvaluator`,
/// then only read, on one thread.
final class ObjectValues {
    @exclusivity(unchecked) var instancePath: InstancePath
    /// `parties[3]`: the instance's place in its record.
    var path: String { instancePath.text }
    /// A field's full name (`parties[2].uscc`): for problems, so formatted only when there is one.
    func fieldName(_ name: String) -> String { path + "." + name }
    @exclusivity(unchecked) var fields = NamedValues<Evaluation>()
    @exclusivity(unchecked) var children = NamedValues<[ObjectValues]>()
    @exclusivity(unchecked) var freeFields: [(name: String, evaluation: Evaluation)] = []

    init(instancePath: InstancePath) {
        self.instancePath = instancePath
    }

    func value(_ name: String) -> FieldValue? { fields.index(of: name).map { fields.values[$0].first } ?? nil }
    /// Read in place: copying the value out and then its text retained the text twice (builders read every field so).
    func text(_ name: String) -> String? {
        guard let index = fields.index(of: name), let text = fields.values[index].values.firstText, !text.isEmpty else { return nil }
        return text
    }
    func date(_ name: String) -> LocalDate? {
        if case .date(let date)? = value(name) { return date }
        return nil
    }
    func amount(_ name: String) -> Amount? {
        if case .amount(let amount)? = value(name) { return amount }
        return nil
    }

    /// Calls `body` with each of the first `limit` instances of the child list `name` that has input values.
    func forEachInstanceWithInput(_ name: String, amongFirst limit: Int = .max, _ body: (ObjectValues) -> Void) {
        guard let list = children.index(of: name) else { return }
        children.values[list].withUnsafeBufferPointer { instances in
            for index in 0..<min(limit, instances.count) where instances[index].hasInputValues { body(instances[index]) }
        }
    }

    /// True when nothing at all came out: an optional group whose source elements are absent.
    var isEmpty: Bool {
        fields.values.allSatisfy { $0.values.isEmpty && $0.problems.isEmpty }
            && children.values.allSatisfy { $0.allSatisfy(\.isEmpty) } && freeFields.allSatisfy { $0.evaluation.values.isEmpty }
    }

    /// Whether any field came from the input rather than from constants and defaults.
    var hasInputValues: Bool {
        fields.values.contains { $0.origin != nil && !$0.values.isEmpty }
    }
}

/// Evaluates object specs, collecting problems and the trace of every field it fills.
struct ObjectEvaluator {
    let evaluator = ValueEvaluator()
    var problems: [RecordProblem] = []
    /// Whether to keep the trace: the gateway stores it with every record; `translate` prints it only with `--trace`.
    var tracing = true
    var trace: [TraceEntry] = []

    /// One `ObjectValues` per instance: one without `forEach`, one per selected element with it.
    /// `path` names the instance with its index (`parties[3]`), for problems and the trace.
    mutating func evaluate(_ spec: ObjectSpec, in scope: PathScope, path: (Int) -> InstancePath) -> [ObjectValues] {
        var instances: [ObjectValues] = []
        evaluate(spec, in: scope, into: &instances) { path($0) }
        return instances
    }

    /// ``evaluate(_:in:path:)`` appending to `instances`, where `path` gets the instance's index in them: appending
    /// one list to another copied every instance (and retained all it holds), then destroyed the original.
    mutating func evaluate(_ spec: ObjectSpec, in scope: PathScope, into instances: inout [ObjectValues], path: (Int) -> InstancePath) {
        // Each scope is evaluated as it is made: collecting them first was an array per object of every record.
        guard let forEach = spec.forEach else {
            if spec.when.map({ evaluator.holds($0, in: scope) }) ?? true {
                appendInstance(spec, in: scope, path: path(instances.count), to: &instances)
            }
            return
        }
        for item in forEach.evaluate(in: scope) {
            guard case .element(let element) = item else { continue }
            var inner = scope.with(context: element)
            if let name = spec.bindAs { inner.variables[name] = [item] }
            if let when = spec.when, !evaluator.holds(when, in: inner) { continue }
            appendInstance(spec, in: inner, path: path(instances.count), to: &instances)
        }
    }

    private mutating func appendInstance(_ spec: ObjectSpec, in scope: PathScope, path: InstancePath, to instances: inout [ObjectValues]) {
        let values = ObjectValues(instancePath: path)
        fill(values, spec, in: scope, path: path)
        instances.append(values)
    }

    private mutating func fill(_ values: ObjectValues, _ spec: ObjectSpec, in scope: PathScope, path: InstancePath) {
        values.fields = NamedValues(names: spec.fieldNames)
        values.children = NamedValues(names: spec.childNames)
        // Formatted once per instance when traced (every field names it), else only for a problem.
        let tracedPrefix = tracing ? path.fieldPrefix : nil
        // The expressions are borrowed from the spec, which outlives the call: reading them from the list retained
        // and released each one for every field of every record (make bench-profile).
        for index in spec.fields.indices {
            let name = spec.fields[index].name
            let expression = Unmanaged.passUnretained(spec.fields[index].value)
            let evaluation = expression._withUnsafeGuaranteedRef {
                evaluateField($0, in: scope, prefix: tracedPrefix ?? path.fieldPrefix, name: name)
            }
            values.fields.append(evaluation)
        }
        for (name, expression) in spec.freeFields {
            values.freeFields.append((name, evaluateField(expression, in: scope, prefix: (tracedPrefix ?? path.fieldPrefix) + "fields.", name: name)))
        }
        if !spec.children.isEmpty {
            let childPrefix = tracedPrefix ?? path.fieldPrefix
            for (index, (name, specs)) in spec.children.enumerated() {
                var instances: [ObjectValues] = []
                let multiple = spec.childAllowsSeveral[index]
                for childSpec in specs {
                    evaluate(childSpec, in: scope, into: &instances) { InstancePath(prefix: childPrefix, name: name, index: multiple ? $0 : nil) }
                }
                values.children.append(instances)
            }
        }
    }

    /// The field's full name (`prefix` + `name`) is only formatted for a problem or the trace; so is the prefix
    /// when not tracing.
    private mutating func evaluateField(
        _ expression: ValueExpression, in scope: PathScope, prefix: @autoclosure () -> String, name: String
    ) -> Evaluation {
        let evaluation = evaluator.evaluate(expression, in: scope, field: prefix() + name)
        if !evaluation.problems.isEmpty { problems += evaluation.problems }
        if tracing && !evaluation.values.isEmpty {
            trace.append(
                TraceEntry(field: prefix() + name, rule: expression.traceRule, source: expression.sourceDescription, at: evaluation.origin?.description))
        }
        return evaluation
    }
}
