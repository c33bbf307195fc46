import ExchangeStandard
import XMLStream

/// One department system's mapping file, loaded and checked.
public struct MappingSpec: Sendable {
    public var system: String
    public var title: String?
    public var file: String
    /// SHA-256 of the file's bytes: names the mapping version that produced a record.
    public var fileHash: String
    public var namespaces: NamespaceBindings
    public var batch: BatchSpec
    public var records: [RecordSpec]
}

/// Where the batch-level values are: paths from the document root.
public struct BatchSpec: Sendable {
    public var number: ValueExpression?
    public var system: ValueExpression?
    public var generatedAt: ValueExpression?
}

/// One kind of record in a dialect (disclosures, violations, cases …).
public struct RecordSpec: Sendable {
    public var name: String
    public var path: PathExpression
    public var pattern: XMLPathPattern
    public var id: ValueExpression
    public var when: Condition?
    /// `publish`, `correct` or `withdraw`, from the source's flags.
    public var action: ValueExpression?
    public var redactions: [RedactionRule]
    public var hub: ObjectSpec
    public var credits: [ObjectSpec]
    public var location: SourceLocation
}

/// Elements removed from a record before anything is mapped, named in the hub record's `redacted`.
public struct RedactionRule: Sendable {
    public var select: PathExpression
    public var name: ValueExpression
    public var location: SourceLocation
}

/// A set of target fields computed in one scope: the hub record, a party, an amount, a credit record.
///
/// `forEach` makes it a repeated group (one party per candidate, one credit record per subject);
/// `as` binds each item to a variable so inner paths can reach it (`$party/@role`).
public struct ObjectSpec: Sendable {
    public var schema: TargetSchema
    public var forEach: PathExpression?
    public var bindAs: String?
    public var when: Condition?
    public let fields: [(name: String, value: ValueExpression)]
    public let children: [(name: String, specs: [ObjectSpec])]
    /// The free-form `fields:` map of a hub record (lowerCamelCase keys the mapping declares).
    public var freeFields: [(name: String, value: ValueExpression)]
    public var location: SourceLocation
    /// The names of `fields` and of `children`, in order: every evaluated instance shares these lists.
    let fieldNames: [String]
    let childNames: [String]

    public init(
        schema: TargetSchema, forEach: PathExpression?, bindAs: String?, when: Condition?, fields: [(name: String, value: ValueExpression)],
        children: [(name: String, specs: [ObjectSpec])], freeFields: [(name: String, value: ValueExpression)], location: SourceLocation
    ) {
        self.schema = schema
        self.forEach = forEach
        self.bindAs = bindAs
        self.when = when
        self.fields = fields
        self.children = children
        self.freeFields = freeFields
        self.location = location
        fieldNames = fields.map(\.name)
        childNames = children.map(\.name)
    }

    public func field(_ name: String) -> ValueExpression? {
        fields.first { $0.name == name }?.value
    }
}
