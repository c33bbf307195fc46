// libFuzzer entry point for XMLStream, built with the module's sources by `make fuzz`.
//
// Each input is read whole, in random chunks and (when small) one byte at a time, with generous
// or tiny limits; beside crashes and sanitizer reports (ASan, LeakSanitizer) it fails when the
// chunkings disagree (records, document context, or error code and position) or when a result
// breaks a limit. Inputs it failed on are kept in Fuzz/regressions/ and replayed by the tests.

/// What one read produced, in a form that compares across chunkings.
enum Outcome: Equatable {
    case records([XMLStreamedRecord], XMLElementNode?)
    case failure(XMLStreamError.Code, XMLPosition?)
}

let patterns: [XMLPathPattern] = [
    XMLPathPattern(steps: [.descendant(XMLQualifiedName("record", namespaceURI: "*"))]),
    XMLPathPattern(steps: [.child(XMLQualifiedName("*", namespaceURI: "*")), .child(XMLQualifiedName("ROW"))]),
    XMLPathPattern(steps: [.descendant(XMLQualifiedName("*", namespaceURI: "urn:x"))]),
    XMLPathPattern(steps: [.child(XMLQualifiedName("a")), .descendant(XMLQualifiedName("b")), .child(XMLQualifiedName("c"))]),
]

func limits(small: Bool) -> XMLStreamLimits {
    small ? .tiny : XMLStreamLimits()
}

func read(_ document: [UInt8], limits: XMLStreamLimits, chunkSizes: [Int]) -> Outcome {
    let reader = XMLRecordReader(recordPatterns: patterns, limits: limits)
    var records: [XMLStreamedRecord] = []
    do throws(XMLStreamError) {
        var offset = 0
        var turn = 0
        while offset < document.count {
            let end = min(offset + max(chunkSizes[turn % chunkSizes.count], 1), document.count)
            records += try reader.feed(document[offset..<end])
            offset = end
            turn += 1
        }
        records += try reader.finish()
    } catch {
        checkPosition(error.position, document)
        return .failure(error.code, error.position)
    }
    check(records, reader.documentContext, limits)
    return .records(records, reader.documentContext)
}

func checkPosition(_ position: XMLPosition?, _ document: [UInt8]) {
    guard let position else { return }
    let lines = document.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    require(position.line >= 1 && position.column >= 1, "position \(position) before the document")
    require(position.line <= lines + 1, "position \(position) after the document's \(lines) lines")
}

func depth(_ element: XMLElementNode) -> Int {
    1 + (element.childElements.map(depth).max() ?? 0)
}

func check(_ records: [XMLStreamedRecord], _ context: XMLElementNode?, _ limits: XMLStreamLimits) {
    require(records.count <= limits.maxRecords, "\(records.count) records")
    require(context != nil || records.isEmpty, "records without a root")
    for record in records {
        require(record.ancestors.count + depth(record.element) <= limits.maxDepth, "record deeper than the limit")
        require(record.element.attributes.count <= limits.maxAttributesPerElement)
        require(patterns.indices.contains(record.patternIndex))
    }
}

/// FNV-1a: the chunking and limits follow from the input, so a crash reproduces from its file.
func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    let document = Array(buffer)
    var seed = hash(buffer)
    func next() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed >> 33
    }
    let limits = limits(small: next() % 3 == 0)

    let whole = read(document, limits: limits, chunkSizes: [max(document.count, 1)])
    let sizes = (0..<8).map { _ in Int(next() % 64) + 1 }
    let chunked = read(document, limits: limits, chunkSizes: sizes)
    require(whole == chunked, "whole \(whole) but in chunks \(sizes) \(chunked)")
    if document.count <= 1024 {
        let bytewise = read(document, limits: limits, chunkSizes: [1])
        require(whole == bytewise, "whole \(whole) but byte by byte \(bytewise)")
    }
    return 0
}

/// `precondition` loses its message in optimized builds; a fuzz finding needs it.
func require(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError(message()) }
}
