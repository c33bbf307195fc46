#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A name matched by namespace URI and local name, whatever prefix the document used.
public struct XMLQualifiedName: Hashable, Sendable, CustomStringConvertible {
    /// The namespace URI; empty for no namespace.
    public var namespaceURI: String
    public var localName: String

    public init(_ localName: String, namespaceURI: String = "") {
        self.localName = localName
        self.namespaceURI = namespaceURI
    }

    public var description: String {
        namespaceURI.isEmpty ? localName : "{\(namespaceURI)}\(localName)"
    }

    /// Names are equal when their code points are (XML compares names that way, without Unicode
    /// normalisation). Comparing bytes also keeps Swift's canonical-equivalence check off this path:
    /// for Chinese element names it was the single costliest step of evaluating a mapping.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        sameCodePoints(lhs.localName, rhs.localName) && sameCodePoints(lhs.namespaceURI, rhs.namespaceURI)
    }

    public func hash(into hasher: inout Hasher) {
        localName.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            ?? hasher.combine(Array(localName.utf8))
        hasher.combine(0xFF as UInt8)
        namespaceURI.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            ?? hasher.combine(Array(namespaceURI.utf8))
    }

    /// Whether two strings hold the same code points: byte equality of their UTF-8.
    @inlinable
    public static func sameCodePoints(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        if let same = left.withContiguousStorageIfAvailable({ leftBytes in
            right.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.count == 0 || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
            }
        }), let same {
            return same
        }
        return left.elementsEqual(right)
    }
}

/// Where something stands in the input, 1-based, as libxml2 counts it.
public struct XMLPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

public struct XMLAttributeNode: Hashable, Sendable {
    public var prefix: String?
    public var name: XMLQualifiedName
    public var value: String
}

extension XMLAttributeNode {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`prefix` before `name`), so that the two
    /// initializers differ.
    public init(name: XMLQualifiedName, prefix: String? = nil, value: String) {
        self.init(prefix: prefix, name: name, value: value)
    }
}

/// A child of an element: a nested element or a run of character data (text and CDATA alike).
public enum XMLChildNode: Hashable, Sendable {
    case element(XMLElementNode)
    case text(String)
}

/// One element with everything inside it: the small tree the stream yields per record.
public struct XMLElementNode: Hashable, Sendable {
    public var prefix: String?
    public var name: XMLQualifiedName
    public var attributes: [XMLAttributeNode]
    public var children: [XMLChildNode]
    public var position: XMLPosition

    /// The element's own character data (text and CDATA), not that of nested elements.
    public var text: String {
        var result = ""
        for case .text(let run) in children { result += run }
        return result
    }

    /// All character data inside the element, nested elements included, in document order.
    public var deepText: String {
        var result = ""
        for child in children {
            switch child {
            case .text(let run): result += run
            case .element(let element): result += element.deepText
            }
        }
        return result
    }

    public var childElements: [XMLElementNode] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    public func attribute(_ name: XMLQualifiedName) -> String? {
        attributes.first { $0.name == name }?.value
    }
}

extension XMLElementNode {
    /// Delegates to the memberwise initializer, which makes the value in place: an initializer assigning each
    /// property built it in a temporary and copied it out, retaining and releasing every field (make bench-refcounts).
    /// The properties are declared in another order than the parameters (`prefix` before `name`), so that the two
    /// initializers differ.
    public init(
        name: XMLQualifiedName,
        prefix: String? = nil,
        attributes: [XMLAttributeNode] = [],
        children: [XMLChildNode] = [],
        position: XMLPosition = XMLPosition(line: 0, column: 0)
    ) {
        self.init(prefix: prefix, name: name, attributes: attributes, children: children, position: position)
    }
}
