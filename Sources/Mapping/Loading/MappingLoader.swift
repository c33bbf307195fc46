import ExchangeStandard
import Foundation
import XMLStream
import Yams

/// What a mapping file is checked against besides its own text: shared code tables and the catalog.
public struct MappingEnvironment: Sendable {
    public var codeTables: [String: CodeTable]
    /// Known domain codes and item-type codes (`HOUSING`, `HOUSING.ALLOC_RESULT`); nil skips the check.
    public var catalogDomains: Set<String>?
    public var catalogItemTypes: Set<String>?

    public init(codeTables: [String: CodeTable] = [:], catalogDomains: Set<String>? = nil, catalogItemTypes: Set<String>? = nil) {
        self.codeTables = codeTables
        self.catalogDomains = catalogDomains
        self.catalogItemTypes = catalogItemTypes
    }
}

/// Reads one mapping file into a `MappingSpec`, finding unknown keys, malformed paths, unknown code
/// tables, unknown target fields, unknown catalog codes and type errors without any input data.
public enum MappingLoader {
    public static func load(text: String, file: String, environment: MappingEnvironment) -> (MappingSpec?, [MappingDiagnostic]) {
        let reader = YAMLNodeReader(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                reader.report("empty_file", "the mapping file is empty", at: nil)
                return (nil, reader.diagnostics)
            }
            root = node
        } catch let error as YamlError {
            reader.report("yaml_syntax", Self.describe(error), at: Self.location(of: error, file: file))
            return (nil, reader.diagnostics)
        } catch {
            reader.report("yaml_syntax", "\(error)", at: nil)
            return (nil, reader.diagnostics)
        }
        var builder = SpecBuilder(reader: reader, environment: environment)
        let spec = builder.build(root: root, fileHash: SHA256Digest.hex(of: Array(text.utf8)))
        let hasErrors = reader.diagnostics.contains { $0.severity == .error }
        return (hasErrors ? nil : spec, reader.diagnostics)
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
        default:
            return "\(error)"
        }
    }

    static func location(of error: YamlError, file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file, line: 1, column: 1)
        }
    }
}

/// The walk over one file's YAML; kept apart from `MappingLoader` so the state stays local to a load.
private struct SpecBuilder {
    let reader: YAMLNodeReader
    let environment: MappingEnvironment
    var namespaces = NamespaceBindings()
    var localTables: [String: CodeTable] = [:]

    init(reader: YAMLNodeReader, environment: MappingEnvironment) {
        self.reader = reader
        self.environment = environment
    }

    static let topKeys = ["system", "title", "description", "namespaces", "defaultNamespace", "codes", "batch", "records"]
    static let recordKeys = ["name", "path", "id", "when", "action", "redact", "hub", "credit", "description"]
    static let expressionSourceKeys = ["path", "const", "concat", "first", "cases"]
    static let transformKeys = [
        "trim", "replace", "regex", "split", "code", "otherwise", "date", "amount", "number", "boolean", "pairs", "join", "default",
    ]
    static let groupKeys = ["forEach", "as", "when", "description"]

    mutating func build(root: Node, fileHash: String) -> MappingSpec? {
        guard let entries = reader.entries(root, what: "the mapping file") else { return nil }
        reader.checkKeys(entries, allowed: Self.topKeys, what: "the mapping file")
        let value = { (key: String) in entries.first { $0.key == key }?.value }

        guard let systemNode = value("system"), let system = reader.string(systemNode, what: "system") else {
            reader.report("missing_key", "the mapping file must name its department system (system: …)", at: root)
            return nil
        }
        if let node = value("namespaces"), let pairs = reader.entries(node, what: "namespaces") {
            for pair in pairs {
                if let uri = reader.string(pair.value, what: "namespace URI") { namespaces.prefixes[pair.key] = uri }
            }
        }
        if let node = value("defaultNamespace"), let uri = reader.string(node, what: "defaultNamespace") {
            namespaces.defaultNamespace = uri
        }
        if let node = value("codes"), let tables = reader.entries(node, what: "codes") {
            for table in tables {
                if let parsed = MappingLoader.codeTable(named: table.key, node: table.value, reader: reader) {
                    localTables[table.key] = parsed
                }
            }
        }
        var batch = BatchSpec()
        if let node = value("batch"), let batchEntries = reader.entries(node, what: "batch") {
            reader.checkKeys(batchEntries, allowed: ["number", "system", "generatedAt"], what: "batch")
            for entry in batchEntries {
                let expression = self.expression(
                    entry.value, kind: entry.key == "generatedAt" ? nil : .text, variables: [], what: "batch.\(entry.key)")
                switch entry.key {
                case "number": batch.number = expression
                case "system": batch.system = expression
                case "generatedAt": batch.generatedAt = expression
                default: break
                }
            }
        }
        var records: [RecordSpec] = []
        if let node = value("records") {
            for recordNode in reader.sequence(node) {
                if let record = self.record(recordNode) { records.append(record) }
            }
        } else {
            reader.report("missing_key", "the mapping file has no records: section", at: root)
        }
        return MappingSpec(
            system: system, title: value("title").flatMap(reader.scalar), file: reader.file, fileHash: fileHash,
            namespaces: namespaces, batch: batch, records: records)
    }

    // MARK: - Records

    mutating func record(_ node: Node) -> RecordSpec? {
        guard let entries = reader.entries(node, what: "a record") else { return nil }
        reader.checkKeys(entries, allowed: Self.recordKeys, what: "a record")
        let value = { (key: String) in entries.first { $0.key == key }?.value }
        let name = value("name").flatMap(reader.scalar) ?? "record"
        guard let pathNode = value("path"), let pathText = reader.string(pathNode, what: "path") else {
            reader.report("missing_key", "record '\(name)' needs a path: where its elements stand in the document", at: node)
            return nil
        }
        guard let path = parsePath(pathText, at: pathNode), let pattern = Self.pattern(from: path) else {
            if let path = try? PathParser.parse(pathText, bindings: namespaces), Self.pattern(from: path) == nil {
                reader.report(
                    "malformed_path", "a record path must be absolute element names (/a/b or //b), without predicates or attributes",
                    at: pathNode)
            }
            return nil
        }
        let variables: Set<String> = ["record"]
        guard let idNode = value("id") else {
            reader.report("missing_key", "record '\(name)' needs an id: the source's stable record id", at: node)
            return nil
        }
        let id = expression(idNode, kind: .text, variables: variables, what: "id")
        let when = value("when").flatMap { condition($0, variables: variables) }
        let action = value("action").flatMap {
            expression($0, kind: .enumeration(RecordAction.allCases.map(\.rawValue)), variables: variables, what: "action")
        }
        var redactions: [RedactionRule] = []
        if let redactNode = value("redact") {
            for ruleNode in reader.sequence(redactNode) {
                guard let ruleEntries = reader.entries(ruleNode, what: "a redact rule") else { continue }
                reader.checkKeys(ruleEntries, allowed: ["select", "name"], what: "a redact rule")
                guard let selectNode = ruleEntries.first(where: { $0.key == "select" })?.value,
                    let selectText = reader.string(selectNode, what: "select"), let select = parsePath(selectText, at: selectNode)
                else {
                    reader.report("missing_key", "a redact rule needs select: the elements to withhold", at: ruleNode)
                    continue
                }
                if !select.selectsElements {
                    reader.report("type_error", "redact select must choose elements, not attributes or text", at: selectNode)
                }
                let nameNode = ruleEntries.first { $0.key == "name" }?.value
                let nameExpression =
                    nameNode.flatMap { expression($0, kind: .text, variables: variables, what: "redact name") }
                    ?? ValueExpression(source: .path(try! PathParser.parse("name()", bindings: namespaces)), location: reader.location(ruleNode))
                redactions.append(RedactionRule(select: select, name: nameExpression, location: reader.location(ruleNode)))
            }
        }
        guard let hubNode = value("hub") else {
            reader.report("missing_key", "record '\(name)' needs a hub: section (every record becomes a hub record)", at: node)
            return nil
        }
        guard let hub = objectSpec(hubNode, schema: .hub, variables: variables, what: "hub", allowGroup: false) else { return nil }
        var credits: [ObjectSpec] = []
        if let creditNode = value("credit") {
            for item in reader.sequence(creditNode) {
                if let spec = objectSpec(item, schema: .credit, variables: variables, what: "credit", allowGroup: true) {
                    credits.append(spec)
                }
            }
        }
        guard let id else { return nil }
        return RecordSpec(
            name: name, path: path, pattern: pattern, id: id, when: when, action: action, redactions: redactions, hub: hub,
            credits: credits, location: reader.location(node))
    }

    static func pattern(from path: PathExpression) -> XMLPathPattern? {
        guard path.start == .root, !path.steps.isEmpty else { return nil }
        var steps: [XMLPathPattern.Step] = []
        for step in path.steps {
            guard step.predicates.isEmpty, case .element(let name) = step.test else { return nil }
            switch step.axis {
            case .child: steps.append(.child(name))
            case .descendant: steps.append(.descendant(name))
            case .ancestor: return nil
            }
        }
        return XMLPathPattern(steps: steps)
    }

    func parsePath(_ text: String, at node: Node) -> PathExpression? {
        do {
            return try PathParser.parse(text, bindings: namespaces)
        } catch {
            var location = reader.location(node)
            location.column += error.offset
            reader.report("malformed_path", "malformed path '\(text)': \(error.message)", at: location)
            return nil
        }
    }

    // MARK: - Objects

    mutating func objectSpec(_ node: Node, schema: TargetSchema, variables: Set<String>, what: String, allowGroup: Bool) -> ObjectSpec? {
        guard let entries = reader.entries(node, what: what) else { return nil }
        var allowed = schema.fields.map(\.name) + schema.children.map(\.name) + (schema.allowsFreeFields ? ["fields"] : [])
        if allowGroup { allowed += Self.groupKeys }
        for entry in entries where !allowed.contains(entry.key) {
            let suggestion = YAMLNodeReader.closest(to: entry.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            reader.report("unknown_target_field", "'\(entry.key)' is not a field of a \(schema.name) record\(suggestion)", at: entry.keyNode)
        }
        var scope = variables
        var forEach: PathExpression?
        var bindAs: String?
        if let node = entries.first(where: { $0.key == "forEach" })?.value, let text = reader.string(node, what: "forEach") {
            forEach = parsePath(text, at: node)
            if let forEach { checkVariables(forEach, scope: variables, at: node) }
            if let forEach, !forEach.selectsElements {
                reader.report("type_error", "forEach must select elements, not attributes or text", at: node)
            }
        }
        if let node = entries.first(where: { $0.key == "as" })?.value, let name = reader.string(node, what: "as") {
            if forEach == nil { reader.report("type_error", "as: names the item of a forEach; this group has none", at: node) }
            bindAs = name
            scope.insert(name)
        }
        let when = entries.first(where: { $0.key == "when" }).flatMap { condition($0.value, variables: scope) }
        var fields: [(name: String, value: ValueExpression)] = []
        var children: [(name: String, specs: [ObjectSpec])] = []
        var freeFields: [(name: String, value: ValueExpression)] = []
        for entry in entries {
            if let field = schema.field(named: entry.key) {
                if let expression = expression(entry.value, kind: field.kind, variables: scope, what: "\(what).\(entry.key)") {
                    checkTargetValues(expression, field: field, at: entry.value)
                    fields.append((entry.key, expression))
                }
            } else if let child = schema.child(named: entry.key) {
                let items = child.multiple ? reader.sequence(entry.value) : [entry.value]
                if !child.multiple, case .sequence = entry.value {
                    reader.report("type_error", "\(entry.key) is a single \(child.schema.name), not a list", at: entry.value)
                }
                var specs: [ObjectSpec] = []
                for item in items {
                    if let spec = objectSpec(item, schema: child.schema, variables: scope, what: "\(what).\(entry.key)", allowGroup: child.multiple) {
                        specs.append(spec)
                    }
                }
                children.append((entry.key, specs))
            } else if entry.key == "fields", schema.allowsFreeFields, let pairs = reader.entries(entry.value, what: "fields") {
                for pair in pairs {
                    if pair.key.first?.isLowercase != true || pair.key.contains(where: { !$0.isLetter && !$0.isNumber }) {
                        reader.report("type_error", "field names are lowerCamelCase ASCII, not '\(pair.key)'", at: pair.keyNode)
                    }
                    if let expression = expression(pair.value, kind: nil, variables: scope, what: "fields.\(pair.key)") {
                        freeFields.append((pair.key, expression))
                    }
                }
            }
        }
        // A rule that is present but broken was reported already; "missing" would only repeat it.
        let written = Set(entries.map(\.key))
        for field in schema.fields where field.ruleRequired && !written.contains(field.name) {
            if schema.name == "credit" && field.name == "recordKind" { continue }
            reader.report("missing_field", "\(what) has no rule for required field '\(field.name)'", at: node)
        }
        for child in schema.children where child.ruleRequired && !written.contains(child.name) {
            reader.report("missing_field", "\(what) has no rule for required field '\(child.name)'", at: node)
        }
        return ObjectSpec(
            schema: schema, forEach: forEach, bindAs: bindAs, when: when, fields: fields, children: children, freeFields: freeFields,
            location: reader.location(node))
    }

    /// Constants and code-table values that land in catalog or enumeration fields are checked now,
    /// so a typo in `HOUSING.ALLOC_RESULT` fails `mappings check`, not a department's batch.
    func checkTargetValues(_ expression: ValueExpression, field: TargetSchema.Field, at node: Node) {
        var literals: [(String, SourceLocation)] = []
        func collect(_ expression: ValueExpression) {
            switch expression.source {
            case .constant(let value) where expression.transforms.codeTable == nil: literals.append((value, expression.location))
            case .concat, .constant, .path: break
            case .firstOf(let parts): parts.forEach(collect)
            case .cases(let cases, let otherwise):
                cases.forEach { collect($0.value) }
                otherwise.map(collect)
            }
            if let table = expression.transforms.codeTable {
                literals += table.entries.values.map { ($0, table.location) }
            }
            if let otherwise = expression.transforms.otherwise { literals.append((otherwise, expression.location)) }
            if let fallback = expression.transforms.defaultValue, expression.transforms.codeTable == nil {
                literals.append((fallback, expression.location))
            }
        }
        collect(expression)
        for (value, location) in literals {
            switch field.name {
            case "domain":
                if let domains = environment.catalogDomains, !domains.contains(value) {
                    reader.report("unknown_catalog_code", "'\(value)' is not a domain of the disclosure catalog", at: location)
                }
            case "itemType":
                if let items = environment.catalogItemTypes, !items.contains(value) {
                    let suggestion = YAMLNodeReader.closest(to: value, in: Array(items)).map { " (did you mean '\($0)'?)" } ?? ""
                    reader.report("unknown_catalog_code", "'\(value)' is not an item type of the disclosure catalog\(suggestion)", at: location)
                }
            default:
                if case .enumeration(let allowed) = field.kind, !allowed.contains(value) {
                    reader.report(
                        "type_error", "'\(value)' is not a valid \(field.name); expected one of \(allowed.joined(separator: ", "))", at: location)
                }
            }
        }
    }

    func checkVariables(_ path: PathExpression, scope: Set<String>, at node: Node) {
        for name in path.variables.subtracting(scope).sorted() {
            reader.report(
                "unbound_variable", "$\(name) is not bound here (bound: \(scope.sorted().map { "$" + $0 }.joined(separator: ", ")))", at: node)
        }
    }

    // MARK: - Expressions

    mutating func expression(_ node: Node, kind: TargetSchema.ValueKind?, variables: Set<String>, what: String) -> ValueExpression? {
        let location = reader.location(node)
        if let text = reader.scalar(node) {
            guard let path = parsePath(text, at: node) else { return nil }
            checkVariables(path, scope: variables, at: node)
            return ValueExpression(source: .path(path), transforms: defaultTransforms(for: kind), location: location)
        }
        if case .sequence = node {
            reader.report("type_error", "\(what) must be a path or a mapping (path:, const:, concat: …), not a list", at: node)
            return nil
        }
        guard let entries = reader.entries(node, what: what) else { return nil }
        reader.checkKeys(entries, allowed: Self.expressionSourceKeys + Self.transformKeys, what: what)
        let sources = entries.filter { Self.expressionSourceKeys.contains($0.key) }
        guard sources.count == 1, let sourceEntry = sources.first else {
            reader.report(
                "type_error", "\(what) needs exactly one of path:, const:, concat:, first:, cases: (found \(sources.count))", at: node)
            return nil
        }
        let source: ValueExpression.Source
        switch sourceEntry.key {
        case "path":
            guard let text = reader.string(sourceEntry.value, what: "path"), let path = parsePath(text, at: sourceEntry.value) else { return nil }
            checkVariables(path, scope: variables, at: sourceEntry.value)
            source = .path(path)
        case "const":
            guard let text = reader.string(sourceEntry.value, what: "const") else { return nil }
            source = .constant(text)
        case "concat", "first":
            guard case .sequence = sourceEntry.value else {
                reader.report("type_error", "\(sourceEntry.key): takes a list of values", at: sourceEntry.value)
                return nil
            }
            let parts = reader.sequence(sourceEntry.value).compactMap {
                expression($0, kind: nil, variables: variables, what: "\(what).\(sourceEntry.key)")
            }
            source = sourceEntry.key == "concat" ? .concat(parts) : .firstOf(parts)
        default:
            var cases: [ConditionalValue] = []
            var otherwise: ValueExpression?
            for caseNode in reader.sequence(sourceEntry.value) {
                guard let caseEntries = reader.entries(caseNode, what: "a case") else { continue }
                reader.checkKeys(caseEntries, allowed: ["when", "value", "else"], what: "a case")
                if let elseNode = caseEntries.first(where: { $0.key == "else" })?.value {
                    otherwise = expression(elseNode, kind: nil, variables: variables, what: "\(what).else")
                    continue
                }
                guard let whenNode = caseEntries.first(where: { $0.key == "when" })?.value,
                    let valueNode = caseEntries.first(where: { $0.key == "value" })?.value
                else {
                    reader.report("missing_key", "a case needs when: and value: (or else:)", at: caseNode)
                    continue
                }
                if let condition = condition(whenNode, variables: variables),
                    let value = expression(valueNode, kind: nil, variables: variables, what: "\(what).value")
                {
                    cases.append(ConditionalValue(condition: condition, value: value))
                }
            }
            source = .cases(cases, otherwise: otherwise)
        }
        var transforms = defaultTransforms(for: kind)
        for entry in entries where Self.transformKeys.contains(entry.key) {
            transform(entry, into: &transforms, variables: variables, what: what)
        }
        checkConversion(transforms.conversion, kind: kind, at: node, what: what)
        return ValueExpression(source: source, transforms: transforms, location: location)
    }

    func defaultTransforms(for kind: TargetSchema.ValueKind?) -> TransformChain {
        var transforms = TransformChain()
        switch kind {
        case .date: transforms.conversion = .date([DatePattern("yyyy-MM-dd")!])
        case .amount: transforms.conversion = .amount(unit: nil, defaultUnit: nil)
        default: break
        }
        return transforms
    }

    func checkConversion(_ conversion: TransformChain.Conversion?, kind: TargetSchema.ValueKind?, at node: Node, what: String) {
        guard let kind, let conversion else { return }
        let fits: Bool
        switch (kind, conversion) {
        case (.date, .date), (.amount, .amount): fits = true
        case (.date, _), (.amount, _), (_, .date), (_, .amount): fits = false
        case (.text, .integer), (.text, .decimal), (.text, .boolean), (.text, .pairs): fits = true
        case (.enumeration, _): fits = false
        }
        if !fits {
            let expected: String
            switch kind {
            case .date: expected = "a date (use date:)"
            case .amount: expected = "an amount (use amount:)"
            case .text: expected = "text"
            case .enumeration(let values): expected = "one of \(values.joined(separator: ", "))"
            }
            reader.report("type_error", "\(what) must be \(expected); this conversion gives something else", at: node)
        }
    }

    mutating func transform(_ entry: YAMLNodeReader.Entry, into transforms: inout TransformChain, variables: Set<String>, what: String) {
        let node = entry.value
        switch entry.key {
        case "trim":
            transforms.trim = reader.bool(node, what: "trim") ?? true
        case "replace":
            for item in reader.sequence(node) {
                guard let pairs = reader.entries(item, what: "replace") else { continue }
                reader.checkKeys(pairs, allowed: ["pattern", "with"], what: "replace")
                guard let patternNode = pairs.first(where: { $0.key == "pattern" })?.value,
                    let pattern = regex(patternNode)
                else { continue }
                let template = pairs.first(where: { $0.key == "with" }).flatMap { reader.scalar($0.value) } ?? ""
                transforms.replacements.append((pattern, template))
            }
        case "regex":
            transforms.regex = regex(node)
        case "split":
            transforms.split = reader.string(node, what: "split")
        case "join":
            transforms.join = reader.string(node, what: "join")
        case "default":
            transforms.defaultValue = reader.string(node, what: "default")
        case "otherwise":
            transforms.otherwise = reader.string(node, what: "otherwise")
        case "code":
            if let name = reader.scalar(node) {
                if let table = localTables[name] ?? environment.codeTables[name] {
                    transforms.codeTable = table
                } else {
                    let known = Array(localTables.keys) + Array(environment.codeTables.keys)
                    let suggestion = YAMLNodeReader.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                    reader.report(
                        "unknown_code_table", "no code table named '\(name)' in this file's codes: or in codes/\(suggestion)", at: node)
                }
            } else {
                transforms.codeTable = MappingLoader.codeTable(named: "\(what) (inline)", node: node, reader: reader)
            }
        case "date":
            var patterns: [DatePattern] = []
            for item in reader.sequence(node) {
                guard let text = reader.string(item, what: "date format") else { continue }
                if let pattern = DatePattern(text) {
                    patterns.append(pattern)
                } else {
                    reader.report("type_error", "'\(text)' is not a date format (it needs yyyy, M or MM, d or dd; or rfc3339)", at: item)
                }
            }
            transforms.conversion = .date(patterns)
        case "amount":
            if let text = reader.scalar(node) {
                guard let unit = AmountUnit(rawValue: text) else {
                    reader.report("type_error", "'\(text)' is not an amount unit (元, 万元, 亿元)", at: node)
                    return
                }
                transforms.conversion = .amount(unit: nil, defaultUnit: unit)
            } else if let pairs = reader.entries(node, what: "amount") {
                reader.checkKeys(pairs, allowed: ["unit", "default"], what: "amount")
                var unitExpression: ValueExpression?
                var defaultUnit: AmountUnit?
                if let unitNode = pairs.first(where: { $0.key == "unit" })?.value {
                    unitExpression = expression(unitNode, kind: .text, variables: variables, what: "amount unit")
                }
                if let defaultNode = pairs.first(where: { $0.key == "default" })?.value, let text = reader.string(defaultNode, what: "default unit") {
                    defaultUnit = AmountUnit(rawValue: text)
                    if defaultUnit == nil { reader.report("type_error", "'\(text)' is not an amount unit (元, 万元, 亿元)", at: defaultNode) }
                }
                transforms.conversion = .amount(unit: unitExpression, defaultUnit: defaultUnit)
            }
        case "number":
            switch reader.string(node, what: "number") {
            case "integer": transforms.conversion = .integer
            case "decimal": transforms.conversion = .decimal
            case let other?: reader.report("type_error", "number: is integer or decimal, not '\(other)'", at: node)
            case nil: break
            }
        case "boolean":
            guard let pairs = reader.entries(node, what: "boolean") else { return }
            reader.checkKeys(pairs, allowed: ["true", "false"], what: "boolean")
            let nodeReader = reader
            let values = { (key: String) in
                Set(pairs.first { $0.key == key }.map { nodeReader.sequence($0.value).compactMap(nodeReader.scalar) } ?? [])
            }
            transforms.conversion = .boolean(trueValues: values("true"), falseValues: values("false"))
        case "pairs":
            guard let pairs = reader.entries(node, what: "pairs") else { return }
            reader.checkKeys(pairs, allowed: ["separator", "keyValue"], what: "pairs")
            let separator = pairs.first { $0.key == "separator" }.flatMap { reader.scalar($0.value) } ?? ";"
            let keyValue = pairs.first { $0.key == "keyValue" }.flatMap { reader.scalar($0.value) } ?? ":"
            transforms.conversion = .pairs(separator: separator, keyValue: keyValue)
        default:
            break
        }
    }

    func regex(_ node: Node) -> RegexPattern? {
        guard let text = reader.string(node, what: "regular expression") else { return nil }
        do {
            return try RegexPattern(text)
        } catch {
            reader.report("malformed_regex", "'\(text)' is not a valid regular expression", at: node)
            return nil
        }
    }

    // MARK: - Conditions

    mutating func condition(_ node: Node, variables: Set<String>) -> Condition? {
        guard let entries = reader.entries(node, what: "a condition") else { return nil }
        let value = { (key: String) in entries.first { $0.key == key }?.value }
        if let all = value("all") ?? value("any") {
            reader.checkKeys(entries, allowed: ["all", "any"], what: "a condition")
            let parts = reader.sequence(all).compactMap { condition($0, variables: variables) }
            return value("all") != nil ? .all(parts) : .any(parts)
        }
        if let inner = value("not") {
            reader.checkKeys(entries, allowed: ["not"], what: "a condition")
            return condition(inner, variables: variables).map { .not($0) }
        }
        reader.checkKeys(entries, allowed: ["path", "value", "equals", "in", "exists", "matches"], what: "a condition")
        guard let subjectNode = value("path") ?? value("value") else {
            reader.report("missing_key", "a condition needs path: (or value:) and one of equals:, in:, exists:, matches:", at: node)
            return nil
        }
        guard let subject = expression(subjectNode, kind: nil, variables: variables, what: "condition") else { return nil }
        if let equals = value("equals"), let text = reader.string(equals, what: "equals") { return .equals(subject, text) }
        if let list = value("in") { return .oneOf(subject, reader.sequence(list).compactMap(reader.scalar)) }
        if let exists = value("exists"), let flag = reader.bool(exists, what: "exists") { return .exists(subject, flag) }
        if let matches = value("matches"), let pattern = regex(matches) { return .matches(subject, pattern) }
        reader.report("missing_key", "a condition needs one of equals:, in:, exists:, matches:", at: node)
        return nil
    }
}
