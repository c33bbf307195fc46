import Foundation
import Testing
import XMLStream

/// Files next to the tests, found from this source file so that no bundle lookup is needed.
enum Files {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> URL {
        testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// A department system's sample batch under `Mappings/tests/<system>/`.
    static func sample(_ system: String, _ file: String) -> URL {
        repositoryRoot.appendingPathComponent("Mappings/tests").appendingPathComponent(system).appendingPathComponent(file)
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }
}

/// A record path written the way mapping files do: `/a/b`, `//b`, `{urn:x}a`, `*`.
func pattern(_ text: String) -> XMLPathPattern {
    var steps: [XMLPathPattern.Step] = []
    var rest = Substring(text)
    while !rest.isEmpty {
        let descendant = rest.hasPrefix("//")
        rest = rest.dropFirst(descendant ? 2 : 1)
        var namespace = ""
        if rest.hasPrefix("{"), let close = rest.firstIndex(of: "}") {
            namespace = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        }
        let end = rest.firstIndex(of: "/") ?? rest.endIndex
        let name = XMLQualifiedName(String(rest[..<end]), namespaceURI: namespace)
        steps.append(descendant ? .descendant(name) : .child(name))
        rest = rest[end...]
    }
    return XMLPathPattern(steps: steps)
}

/// What one read of a document produced.
struct ReadResult: Equatable {
    var records: [XMLStreamedRecord]
    var documentContext: XMLElementNode?
}

/// Reads a whole document, handing it to the reader in the given chunk sizes (cycled).
func read(
    _ document: [UInt8], patterns: [String], limits: XMLStreamLimits = XMLStreamLimits(), chunkSizes: [Int] = [64 * 1024]
) throws(XMLStreamError) -> ReadResult {
    let reader = XMLRecordReader(recordPatterns: patterns.map(pattern), limits: limits)
    var records: [XMLStreamedRecord] = []
    var offset = 0
    var turn = 0
    while offset < document.count {
        let size = max(1, chunkSizes[turn % chunkSizes.count])
        let end = min(offset + size, document.count)
        records += try reader.feed(document[offset..<end])
        offset = end
        turn += 1
    }
    records += try reader.finish()
    return ReadResult(records: records, documentContext: reader.documentContext)
}

func read(_ text: String, patterns: [String], limits: XMLStreamLimits = XMLStreamLimits(), chunkSizes: [Int] = [64 * 1024])
    throws(XMLStreamError) -> ReadResult
{
    try read(Array(text.utf8), patterns: patterns, limits: limits, chunkSizes: chunkSizes)
}

/// The error reading a document ends with; fails the test when it reads without one.
func readError(
    _ document: [UInt8], patterns: [String] = ["//record"], limits: XMLStreamLimits = XMLStreamLimits(),
    chunkSizes: [Int] = [64 * 1024], sourceLocation: SourceLocation = #_sourceLocation
) -> XMLStreamError? {
    do {
        let result = try read(document, patterns: patterns, limits: limits, chunkSizes: chunkSizes)
        Issue.record("expected an error, read \(result.records.count) records", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

func readError(
    _ text: String, patterns: [String] = ["//record"], limits: XMLStreamLimits = XMLStreamLimits(),
    chunkSizes: [Int] = [64 * 1024], sourceLocation: SourceLocation = #_sourceLocation
) -> XMLStreamError? {
    readError(Array(text.utf8), patterns: patterns, limits: limits, chunkSizes: chunkSizes, sourceLocation: sourceLocation)
}

extension XMLElementNode {
    /// The first child element with this local name (any namespace).
    func child(_ localName: String) -> XMLElementNode? {
        childElements.first { $0.name.localName == localName }
    }

    /// Follows child elements by local name: `node["HEAD", "PCH"]`.
    subscript(_ path: String...) -> XMLElementNode? {
        var node: XMLElementNode? = self
        for step in path { node = node?.child(step) }
        return node
    }

    /// Every string in the subtree: names, attribute values, text.
    var allStrings: [String] {
        var strings = [name.localName, name.namespaceURI] + attributes.flatMap { [$0.name.localName, $0.value] }
        for child in children {
            switch child {
            case .text(let text): strings.append(text)
            case .element(let element): strings += element.allStrings
            }
        }
        return strings
    }
}
