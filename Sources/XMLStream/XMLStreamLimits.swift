/// The bounds one batch must stay within; each one exceeded is refused with its own error code.
///
/// They keep a hostile or broken batch from costing more memory or time than a large honest one:
/// the reader never holds more than about `maxMarkupBytes` of unparsed input, one text run of
/// `maxTextNodeBytes`, one record of `maxRecordBytes` and `maxContextBytes` of context.
public struct XMLStreamLimits: Sendable, Hashable {
    /// Open elements at once, the root included. Keep it in the hundreds: element trees are
    /// walked recursively by their consumers.
    public var maxDepth = 256
    /// Bytes (UTF-8) of one run of character data (text and CDATA between two tags) and of one
    /// attribute value.
    public var maxTextNodeBytes = 8 << 20
    /// Attributes on one element, namespace declarations included.
    public var maxAttributesPerElement = 256
    public var maxRecords = 1_000_000
    /// Bytes of the whole body as it arrives, before any decoding, counted in `feed(_:)`. The
    /// bytes up to the limit are still read (an error in them is reported first), then the batch
    /// is refused.
    public var maxBytes = 1 << 30
    /// Bytes of non-record content kept as context around records.
    public var maxContextBytes = 1 << 20
    /// Bytes of one record's subtree.
    public var maxRecordBytes = 16 << 20
    /// Bytes (UTF-8) of one markup construct that libxml2 must hold whole before it can parse it:
    /// a start tag with its attributes, a comment, a processing instruction, the DOCTYPE (and the
    /// whole prolog before the root). Text and CDATA stream and are bounded by `maxTextNodeBytes`
    /// instead. Checked after each 4 KiB piece the reader hands libxml2, so a construct that ends
    /// in the piece where it passes the limit still gets through; keep the limit well above 4 KiB.
    public var maxMarkupBytes = 1 << 20

    public init() {}
}
