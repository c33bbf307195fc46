import CLibXML2

// MARK: - What libxml2 holds back
//
// libxml2's push parser only parses a start tag, comment, processing instruction or DOCTYPE once
// all of it has arrived, and keeps it in its buffer meanwhile (text and CDATA stream). Its own
// guard is 10 MB ("Huge input lookup"), and in 2.9 it checks duplicate attributes pairwise, so a
// start tag of a few megabytes with a hundred thousand attributes costs seconds of CPU before any
// callback sees it. After every piece the reader therefore looks at the held-back input: its size
// against `maxMarkupBytes`, and, for a pending start tag, how many attributes it has so far.

/// Progress of counting the attributes of the start tag libxml2 is waiting to complete, kept
/// across pieces so that each byte is looked at once.
struct PendingTagScan {
    /// Offset in the decoded input of the `<` of the tag; -1 for none.
    var tagOffset = -1
    var scannedOffset = 0
    var isStartTag = false
    var quote: UInt8 = 0
    var attributeValues = 0
}

extension XMLRecordReader {
    /// Held-back input below this is not worth scanning: it cannot hold more than a few hundred attributes.
    private static let scanThreshold = 1024

    func checkHeldBackInput() -> XMLStreamError? {
        guard let input = parser?.pointee.input?.pointee, let cur = input.cur, let base = input.base, let end = input.end else {
            return nil
        }
        let heldBack = end - cur
        if heldBack > limits.maxMarkupBytes {
            return XMLStreamError(
                code: .markupLimit,
                message: "a tag, comment, processing instruction or DOCTYPE here is longer than \(limits.maxMarkupBytes) bytes",
                position: currentPosition)
        }
        guard heldBack > Self.scanThreshold else { return nil }

        let consumed = Int(input.consumed)
        let tagOffset = consumed + (cur - base)
        if tagScan.tagOffset != tagOffset {
            tagScan = PendingTagScan(tagOffset: tagOffset, scannedOffset: tagOffset + 1)
            tagScan.isStartTag = cur[0] == UInt8(ascii: "<") && Self.canStartName(cur[1])
        }
        guard tagScan.isStartTag else { return nil }

        var byte = base + (tagScan.scannedOffset - consumed)
        while byte < end {
            let value = byte.pointee
            if tagScan.quote != 0 {
                if value == tagScan.quote { tagScan.quote = 0 }
            } else if value == UInt8(ascii: "\"") || value == UInt8(ascii: "'") {
                tagScan.quote = value
                tagScan.attributeValues += 1
            } else if value == UInt8(ascii: ">") {
                tagScan.isStartTag = false  // complete: libxml2 parses it on its next round
                break
            }
            byte += 1
        }
        tagScan.scannedOffset = consumed + (byte - base)

        if tagScan.attributeValues > limits.maxAttributesPerElement {
            return XMLStreamError(
                code: .attributeLimit,
                message: "a start tag has more than \(limits.maxAttributesPerElement) attributes and namespace declarations",
                position: currentPosition)
        }
        return nil
    }

    /// Whether a byte after `<` makes it a start tag (an XML name start, any non-ASCII byte included)
    /// rather than an end tag, comment, CDATA section, processing instruction or DOCTYPE.
    private static func canStartName(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...: true
        default: false
        }
    }
}
