import ExchangeStandard
import Foundation
import XMLStream

/// A value after its transforms: what a target field receives.
public enum FieldValue: Sendable, Hashable {
    case text(String)
    case date(LocalDate)
    case amount(Amount)
    case number(String)
    case bool(Bool)
    case object([String: String])

    /// The value as text, for fields and messages.
    public var text: String {
        switch self {
        case .text(let text), .number(let text): text
        case .date(let date): date.description
        case .amount(let amount): amount.yuanString
        case .bool(let flag): flag ? "true" : "false"
        case .object(let pairs): pairs.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ";")
        }
    }

    var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .number(let text): .number(text)
        case .date(let date): .string(date.description)
        case .amount(let amount): .string(amount.yuanString)
        case .bool(let flag): .bool(flag)
        case .object(let pairs): .object(pairs.mapValues { .string($0) })
        }
    }
}

/// The values of one expression, the first kept inline: nearly every field has one value, and an array
/// for it was an allocation per field of every record (make bench-profile).
public struct FieldValues: RandomAccessCollection, Sendable {
    private var head: FieldValue?
    private var tail: [FieldValue] = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { head == nil ? 0 : 1 + tail.count }

    public subscript(position: Int) -> FieldValue {
        precondition(position >= 0 && position < endIndex, "FieldValues: index out of range")
        return position == 0 ? head! : tail[position - 1]
    }

    public var first: FieldValue? { head }

    /// The first value's text, read in place (text and numbers without copying the value first).
    var firstText: String? {
        switch head {
        case .text(let text)?, .number(let text)?: text
        case let value?: value.text
        case nil: nil
        }
    }

    public mutating func append(_ value: FieldValue) {
        if head == nil {
            head = value
        } else {
            tail.append(value)
        }
    }
}

/// The result of one expression: values (several for lists), whether it failed, and where the input came from.
///
/// Its problems go to the caller's list as they are found: a list in every result was one more array to release
/// for every field of every record (make bench-refcounts).
public struct Evaluation: Sendable {
    public var values = FieldValues()
    /// Whether a transform or conversion failed (its problem is in the caller's list): a value missing for that
    /// reason needs no second problem.
    public var failed = false
    /// Where the element the first value came from starts (formatted `line:column` only for traces).
    public var origin: XMLPosition?

    public var first: FieldValue? { values.first }
}

/// Runs value expressions and conditions against a record's element tree.
struct ValueEvaluator {
    /// A piece of text on its way through the transforms, with the element it came from.
    private struct Item {
        var text: String
        var owner: Int32?
    }

    /// `field` names the target in problems, which are appended to `problems`; it is only formatted when there is one.
    func evaluate(
        _ expression: ValueExpression, in scope: PathScope, field: @autoclosure () -> String, problems: inout [RecordProblem]
    ) -> Evaluation {
        let known = problems.count
        var evaluation = Evaluation()
        evaluate(expression, in: scope, field: field(), into: &evaluation, problems: &problems)
        evaluation.failed = problems.count > known
        return evaluation
    }

    /// ``evaluate(_:in:field:problems:)`` where only the values count: the problems of conditions, units and
    /// batch values are not the record's.
    func evaluate(_ expression: ValueExpression, in scope: PathScope, field: @autoclosure () -> String) -> Evaluation {
        var ignored: [RecordProblem] = []
        return evaluate(expression, in: scope, field: field(), problems: &ignored)
    }

    /// The work of ``evaluate(_:in:field:problems:)``: the values and origin, into `evaluation`.
    private func evaluate(
        _ expression: ValueExpression, in scope: PathScope, field: @autoclosure () -> String, into evaluation: inout Evaluation,
        problems: inout [RecordProblem]
    ) {
        // Most fields are a path to one element or attribute: no arrays on the way (make bench-profile).
        if expression.transforms.split == nil {
            var selection = PathExpression.SingleSelection.notSingle
            // The route is borrowed from the expression, which outlives the call (binding it retained it per field).
            if let route = expression.route.map(Unmanaged.passUnretained),
                let routed = route._withUnsafeGuaranteedRef({ $0.select(in: scope) })
            {
                selection = routed
            } else if case .path(let path) = expression.source {
                selection = path.singleSelection(in: scope)
            }
            switch selection {
            case .notSingle:
                break
            case .nothing:
                finishSingle(nil, expression, scope: scope, field: field(), evaluation: &evaluation, problems: &problems)
                return
            case .one(let selected):
                evaluation.origin = scope.tree.position(selected.owner)
                let item = Item(text: scope.stringValue(selected), owner: selected.owner)
                finishSingle(item, expression, scope: scope, field: field(), evaluation: &evaluation, problems: &problems)
                return
            }
        }
        var items: [Item]
        switch expression.source {
        case .constant(let value) where expression.transforms.split == nil:
            // A constant is one item: no array for it (constants fill a role or a kind in most objects).
            finishSingle(Item(text: value, owner: nil), expression, scope: scope, field: field(), evaluation: &evaluation, problems: &problems)
            return
        case .firstOf, .cases:
            let chosen = chosenPart(expression, in: scope, field: field(), problems: &problems)
            if let chosen { evaluation.origin = chosen.origin }
            if expression.transforms.split == nil && (chosen?.values.count ?? 0) <= 1 {
                let item = chosen?.first.map { Item(text: $0.text, owner: nil) }
                finishSingle(item, expression, scope: scope, field: field(), evaluation: &evaluation, problems: &problems)
                return
            }
            items = chosen?.values.map { Item(text: $0.text, owner: nil) } ?? []
        case .constant, .path, .concat:
            items = sourceItems(expression, in: scope, field: field(), evaluation: &evaluation, problems: &problems)
        }
        if evaluation.origin == nil, let owner = items.first?.owner { evaluation.origin = scope.tree.position(owner) }

        // Transforms read in place from the expression: copying the chain retained every part of it.
        if expression.transforms.split == nil {
            var kept = 0
            for index in items.indices {
                var text = items[index].text
                guard transform(&text, expression.transforms), !text.isEmpty else { continue }
                items[kept] = Item(text: text, owner: items[index].owner)
                kept += 1
            }
            items.removeLast(items.count - kept)
        } else {
            items = items.flatMap { item -> [Item] in
                var text = item.text
                guard transform(&text, expression.transforms), let separator = expression.transforms.split else { return [] }
                return text.components(separatedBy: separator).map {
                    Item(text: expression.transforms.trim ? $0.trimmingWhitespace : $0, owner: item.owner)
                }
            }
            items.removeAll { $0.text.isEmpty }
        }

        if expression.hasCodeTable {
            var kept = 0
            for index in items.indices {
                guard let mapped = coded(items[index], expression, field: field(), problems: &problems) else { continue }
                items[kept] = mapped
                kept += 1
            }
            items.removeLast(items.count - kept)
        }
        if items.isEmpty, let fallback = expression.transforms.defaultValue {
            items = [Item(text: fallback, owner: nil)]
        }
        if let join = expression.transforms.join, items.count > 1 {
            items = [Item(text: items.map(\.text).joined(separator: join), owner: items.first?.owner)]
        }
        for item in items {
            if let value = convert(item, expression.transforms.conversion, scope: scope, field: field(), problems: &problems) {
                evaluation.values.append(value)
            }
        }
    }

    /// The transforms of ``evaluate(_:in:field:)`` for at most one source item and no `split`, in the same order:
    /// trim, replacements and regex; code table; default; conversion (`join` has nothing to join).
    private func finishSingle(
        _ source: consuming Item?, _ expression: ValueExpression, scope: PathScope, field: @autoclosure () -> String,
        evaluation: inout Evaluation, problems: inout [RecordProblem]
    ) {
        // The item is transformed where it lies: binding its text and making a new item retained and released it.
        var item = source
        if item != nil, !transform(&item!.text, expression.transforms) || item!.text.isEmpty { item = nil }
        if expression.hasCodeTable, let current = item {
            item = coded(current, expression, field: field(), problems: &problems)
        }
        if item == nil, let fallback = expression.transforms.defaultValue { item = Item(text: fallback, owner: nil) }
        guard let item = item.take() else { return }
        guard expression.transforms.conversion != nil else {
            // Text without a conversion is moved into the value: handing it to `convert` copied it there (a retain),
            // and the item was then released.
            evaluation.values.append(.text(item.text))
            return
        }
        if let value = convert(item, expression.transforms.conversion, scope: scope, field: field(), problems: &problems) {
            evaluation.values.append(value)
        }
    }

    /// An item through the expression's code table: its entry, else `otherwise`, else nil with an unknown-code problem.
    private func coded(
        _ item: Item, _ expression: ValueExpression, field: @autoclosure () -> String, problems: inout [RecordProblem]
    ) -> Item? {
        // Read through the expression, not bound: binding the table copied it (retaining its entries) per field.
        guard expression.hasCodeTable else { return item }
        if let mapped = expression.transforms.codeTable?.value(for: item.text) { return Item(text: mapped, owner: item.owner) }
        if let otherwise = expression.transforms.otherwise { return Item(text: otherwise, owner: item.owner) }
        problems.append(ProblemMessages.unknownCode(field(), value: item.text, table: expression.transforms.codeTable?.name ?? ""))
        return nil
    }

    /// Trim, replacements and regex extraction, in place; false when the regex does not match. Text with nothing to trim
    /// is left alone (reassigning it retained and released its storage for every field of every record).
    private func transform(_ text: inout String, _ transforms: borrowing TransformChain) -> Bool {
        if transforms.trim && text.mayHaveEdgeWhitespace { text = text.trimmingWhitespace }
        for (pattern, template) in transforms.replacements { text = pattern.replacing(in: text, with: template) }
        if let regex = transforms.regex {
            guard let extracted = regex.firstMatch(in: text) else { return false }
            text = extracted
        }
        return true
    }

    private func sourceItems(
        _ expression: ValueExpression, in scope: PathScope, field: @autoclosure () -> String, evaluation: inout Evaluation,
        problems: inout [RecordProblem]
    ) -> [Item] {
        switch expression.source {
        case .constant(let value):
            return [Item(text: value, owner: nil)]
        case .path(let path):
            let selected = path.evaluate(in: scope)
            var items: [Item] = []
            items.reserveCapacity(selected.count)
            for item in selected { items.append(Item(text: scope.stringValue(item), owner: item.owner)) }
            return items
        case .concat(let parts):
            var text = ""
            var owner: Int32?
            for part in parts {
                let result = evaluate(part, in: scope, field: field(), problems: &problems)
                text += result.values.map(\.text).joined()
                if owner == nil, case .path(let path) = part.source { owner = path.evaluate(in: scope).first?.owner }
            }
            return [Item(text: text, owner: owner)]
        case .firstOf, .cases:
            preconditionFailure("ValueEvaluator: first/cases are evaluated through chosenPart")
        }
    }

    /// The evaluation of the part a `first` or `cases` expression takes, whose problems (added to `problems`) and
    /// origin are the expression's: the first part with values, or the value of the first case whose condition holds
    /// (else the `else` value). Nil when no part is taken.
    private func chosenPart(
        _ expression: ValueExpression, in scope: PathScope, field: @autoclosure () -> String, problems: inout [RecordProblem]
    ) -> Evaluation? {
        switch expression.source {
        case .firstOf(let parts):
            let known = problems.count
            for part in parts {
                let result = evaluate(part, in: scope, field: field(), problems: &problems)
                if !result.values.isEmpty { return result }
                // The problems of a part passed over are not the expression's.
                if problems.count > known { problems.removeSubrange(known...) }
            }
            return nil
        case .cases(let cases, let otherwise):
            let chosen = cases.first { holds($0.condition, in: scope) }?.value ?? otherwise
            return chosen.map { evaluate($0, in: scope, field: field(), problems: &problems) }
        case .constant, .path, .concat:
            return nil
        }
    }

    private func convert(
        _ item: Item, _ conversion: TransformChain.Conversion?, scope: PathScope, field: @autoclosure () -> String,
        problems: inout [RecordProblem]
    ) -> FieldValue? {
        guard let conversion else { return .text(item.text) }
        switch conversion {
        case .date(let patterns):
            if let date = patterns.lazy.compactMap({ $0.parse(item.text) }).first { return .date(date) }
            problems.append(ProblemMessages.date(field(), value: item.text, formats: patterns.map(\.text).joined(separator: " / ")))
            return nil
        case .amount(let unitExpression, let defaultUnit):
            var unit = defaultUnit
            if let unitExpression {
                let unitScope = item.owner.map { scope.with(context: $0) } ?? scope
                let unitText = evaluate(unitExpression, in: unitScope, field: field()).first?.text
                if let unitText {
                    guard let parsed = AmountUnit(rawValue: unitText) else {
                        problems.append(ProblemMessages.unit(field(), value: item.text, unit: unitText))
                        return nil
                    }
                    unit = parsed
                }
            }
            do {
                return .amount(try Amount.parse(item.text, defaultUnit: unit))
            } catch {
                problems.append(RecordProblem(field: field(), value: item.text, failure: error))
                return nil
            }
        case .integer:
            guard let value = Int(item.text) else {
                problems.append(ProblemMessages.number(field(), value: item.text, integer: true))
                return nil
            }
            return .number(String(value))
        case .decimal:
            guard let value = Decimal(string: item.text, locale: Locale(identifier: "en_US_POSIX")),
                item.text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") })
            else {
                problems.append(ProblemMessages.number(field(), value: item.text, integer: false))
                return nil
            }
            return .number("\(value)")
        case .boolean(let trueValues, let falseValues):
            if trueValues.contains(item.text) { return .bool(true) }
            if falseValues.contains(item.text) { return .bool(false) }
            problems.append(ProblemMessages.boolean(field(), value: item.text))
            return nil
        case .pairs(let separator, let keyValue):
            var object: [String: String] = [:]
            for pair in item.text.components(separatedBy: separator) where !pair.trimmingWhitespace.isEmpty {
                let parts = pair.components(separatedBy: keyValue)
                guard parts.count == 2 else {
                    problems.append(ProblemMessages.pairs(field(), value: pair, separator: keyValue))
                    return nil
                }
                object[parts[0].trimmingWhitespace] = parts[1].trimmingWhitespace
            }
            return .object(object)
        }
    }

    func holds(_ condition: Condition, in scope: PathScope) -> Bool {
        switch condition {
        case .equals(let subject, let expected):
            return values(subject, scope).contains { $0.text == expected }
        case .oneOf(let subject, let options):
            return values(subject, scope).contains { options.contains($0.text) }
        case .exists(let subject, let flag):
            return values(subject, scope).isEmpty != flag
        case .matches(let subject, let pattern):
            return values(subject, scope).contains { pattern.matches($0.text) }
        case .all(let parts):
            return parts.allSatisfy { holds($0, in: scope) }
        case .any(let parts):
            return parts.contains { holds($0, in: scope) }
        case .not(let inner):
            return !holds(inner, in: scope)
        }
    }

    /// A condition's subject, its values read in place (mapping them to an array of texts was an allocation per
    /// condition of every record).
    private func values(_ expression: ValueExpression, _ scope: PathScope) -> FieldValues {
        evaluate(expression, in: scope, field: "when").values
    }
}
