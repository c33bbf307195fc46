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
///
/// A class, immutable: every record of a batch reads its spec, and copying a struct of this size retained
/// each of its parts.
public final class RecordSpec: Sendable {
    public let name: String
    public let path: PathExpression
    public let pattern: XMLPathPattern
    public let id: ValueExpression
    public let when: Condition?
    /// `publish`, `correct` or `withdraw`, from the source's flags.
    public let action: ValueExpression?
    public let redactions: [RedactionRule]
    public let hub: ObjectSpec
    public let credits: [ObjectSpec]
    public let location: SourceLocation

    public init(
        name: String, path: PathExpression, pattern: XMLPathPattern, id: ValueExpression, when: Condition?, action: ValueExpression?,
        redactions: [RedactionRule], hub: ObjectSpec, credits: [ObjectSpec], location: SourceLocation
    ) {
        self.name = name
        self.path = path
        self.pattern = pattern
        self.id = id
        self.when = when
        self.action = action
        self.redactions = redactions
        self.hub = hub
        self.credits = credits
        self.location = location
    }
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
///
/// A class, immutable: each instance of each record reads its spec, and iterating over specs of this size
/// as structs retained every part of each one (make bench-profile).
public final class ObjectSpec: Sendable {
    public let schema: TargetSchema
    public let forEach: PathExpression?
    public let bindAs: String?
    public let when: Condition?
    public let fields: [(name: String, value: ValueExpression)]
    public let children: [(name: String, specs: [ObjectSpec])]
    /// The free-form `fields:` map of a hub record (lowerCamelCase keys the mapping declares).
    public let freeFields: [(name: String, value: ValueExpression)]
    public let location: SourceLocation
    /// The names of `fields` and of `children`, in order: every evaluated instance shares these lists.
    let fieldNames: [String]
    let childNames: [String]
    /// For each of `children`: whether the schema allows several instances (`parties[3]`) or one (`responsible`).
    let childAllowsSeveral: [Bool]

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
        childAllowsSeveral = children.map { schema.child(named: $0.name)?.multiple == true }
    }

    public func field(_ name: String) -> ValueExpression? {
        fields.first { $0.name == name }?.value
    }
}
