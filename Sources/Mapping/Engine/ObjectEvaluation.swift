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
        for index in values.indices where names[index] == name { return values[index] }
        return nil
    }

    /// Adds the value of the next name.
    mutating func append(_ value: Value) {
        precondition(values.count < names.count, "NamedValues: more values than names")
        values.append(value)
    }
}

struct ObjectValues {
    var path: String
    var fields = NamedValues<Evaluation>()
    var children = NamedValues<[ObjectValues]>()
    var freeFields: [(name: String, evaluation: Evaluation)] = []

    func value(_ name: String) -> FieldValue? { fields[name]?.first }
    func text(_ name: String) -> String? {
        guard let value = value(name) else { return nil }
        let text = value.text
        return text.isEmpty ? nil : text
    }
    func date(_ name: String) -> LocalDate? {
        if case .date(let date)? = value(name) { return date }
        return nil
    }
    func amount(_ name: String) -> Amount? {
        if case .amount(let amount)? = value(name) { return amount }
        return nil
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
    mutating func evaluate(_ spec: ObjectSpec, in scope: PathScope, path: (Int) -> String) -> [ObjectValues] {
        var scopes: [PathScope] = []
        if let forEach = spec.forEach {
            for item in forEach.evaluate(in: scope) {
                guard case .element(let element) = item else { continue }
                var inner = scope.with(context: element)
                if let name = spec.bindAs { inner.variables[name] = [item] }
                scopes.append(inner)
            }
        } else {
            scopes = [scope]
        }
        if let when = spec.when {
            scopes = scopes.filter { evaluator.holds(when, in: $0) }
        }
        var instances: [ObjectValues] = []
        for (offset, inner) in scopes.enumerated() {
            instances.append(evaluateInstance(spec, in: inner, path: path(offset)))
        }
        return instances
    }

    private mutating func evaluateInstance(_ spec: ObjectSpec, in scope: PathScope, path: String) -> ObjectValues {
        var values = ObjectValues(path: path)
        values.fields = NamedValues(names: spec.fieldNames)
        values.children = NamedValues(names: spec.childNames)
        let prefix = path.isEmpty ? "" : path + "."
        for (name, expression) in spec.fields {
            values.fields.append(evaluateField(expression, in: scope, prefix: prefix, name: name))
        }
        for (name, expression) in spec.freeFields {
            values.freeFields.append((name, evaluateField(expression, in: scope, prefix: prefix + "fields.", name: name)))
        }
        for (index, (name, specs)) in spec.children.enumerated() {
            var instances: [ObjectValues] = []
            let multiple = spec.childAllowsSeveral[index]
            for childSpec in specs {
                let offset = instances.count
                instances += evaluate(childSpec, in: scope) { multiple ? "\(prefix)\(name)[\(offset + $0)]" : prefix + name }
            }
            values.children.append(instances)
        }
        return values
    }

    /// The field's full name (`prefix` + `name`) is only formatted for a problem or the trace.
    private mutating func evaluateField(_ expression: ValueExpression, in scope: PathScope, prefix: String, name: String) -> Evaluation {
        let evaluation = evaluator.evaluate(expression, in: scope, field: prefix + name)
        if !evaluation.problems.isEmpty { problems += evaluation.problems }
        if tracing && !evaluation.values.isEmpty {
            trace.append(
                TraceEntry(field: prefix + name, rule: expression.traceRule, source: expression.sourceDescription, at: evaluation.origin?.description))
        }
        return evaluation
    }
}
