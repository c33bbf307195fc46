#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a body in whatever encoding it declares (or its byte order mark says) into UTF-8, the
/// only encoding libxml2 is then given.
///
/// libxml2 converts with iconv as well, but a whole pushed piece at a time, before parsing it:
/// a GB18030 document with a broken tag and, further on, a bad byte was refused for the one or
/// the other depending on chunking, and a conversion failure had no position. Converting here,
/// the valid part is parsed first and the bad byte gets the line and column it has.
final class XMLInputDecoder {
    enum Failure {
        /// iconv does not know the declared encoding.
        case unsupported(String)
        /// The document says UTF-16 or UCS-4 but its first bytes are 8-bit.
        case mislabelled(String)
        /// Bytes that are not valid in the encoding (the first of them: how many more belong to the
        /// broken character iconv does not say).
        case invalid(encoding: String, bytes: [UInt8])
        /// The input ends inside a character.
        case unfinished(encoding: String, bytes: [UInt8])
    }

    enum Stop {
        /// The sink refused decoded input.
        case downstream(XMLStreamError)
        case failure(Failure)
    }

    /// The encoding the input is read in, once known; "UTF-8" when no conversion is needed.
    private(set) var encoding: String?
    private var converter: iconv_t?
    /// The first bytes, until they tell the encoding.
    private var held: [UInt8] = []
    /// The start of a character cut by the end of the previous input.
    private var pending: [UInt8] = []
    private let outputBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity)

    /// Enough for a byte order mark and an XML declaration with generous whitespace.
    private static let detectionLimit = 1024
    /// Input converted at once, so that output stays small whatever the caller's chunk size.
    private static let sliceSize = 16 * 1024
    /// Room for a slice's output in one go: no encoding takes more than four UTF-8 bytes per input byte.
    private static let outputCapacity = sliceSize * 4 + 16

    deinit {
        if let converter { iconv_close(converter) }
        outputBuffer.deallocate()
    }

    /// Decodes `bytes`, handing UTF-8 to `sink` as it goes; `isFinal` marks the end of the input.
    func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool, sink: (UnsafeBufferPointer<UInt8>) -> XMLStreamError?
    ) -> Stop? {
        var rest = bytes[...]
        if encoding == nil {
            let take = min(max(Self.detectionLimit - held.count, 0), rest.count)
            held.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            guard let detected = Self.detect(held, isFinal: isFinal || held.count >= Self.detectionLimit) else { return nil }
            if let failure = start(detected.encoding) { return .failure(failure) }
            let first = Array(held.dropFirst(detected.byteOrderMarkLength))
            held = []
            if let stop = first.withUnsafeBufferPointer({ convert($0, isFinal: isFinal && rest.isEmpty, sink: sink) }) { return stop }
        }
        return convert(UnsafeBufferPointer(rebasing: rest), isFinal: isFinal, sink: sink)
    }

    // MARK: - Detection

    /// What the first bytes say, as libxml2 reads them (XML 1.0 appendix F); nil while they do not
    /// say enough yet.
    static func detect(_ bytes: [UInt8], isFinal: Bool) -> (encoding: String, byteOrderMarkLength: Int)? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if bytes.count < 4 && !isFinal {
            // Anything that could still become a byte order mark or a declaration waits.
            let candidates: [[UInt8]] = [
                [0xEF, 0xBB, 0xBF], [0xFE, 0xFF], [0xFF, 0xFE], [0, 0, 0, 0x3C], [0x3C, 0, 0, 0], [0, 0x3C, 0, 0x3F], [0x3C, 0, 0x3F, 0],
            ]
            if candidates.contains(where: { $0.starts(with: bytes) }) { return nil }
        }
        if starts([0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if starts([0x00, 0x00, 0x00, 0x3C]) { return ("UCS-4BE", 0) }
        if starts([0x3C, 0x00, 0x00, 0x00]) { return ("UCS-4LE", 0) }
        if starts([0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if starts([0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if starts([0x00, 0x3C, 0x00, 0x3F]) { return ("UTF-16BE", 0) }
        if starts([0x3C, 0x00, 0x3F, 0x00]) { return ("UTF-16LE", 0) }
        let declarationStart = Array("<?xml".utf8)
        if !isFinal && bytes.count < declarationStart.count && declarationStart.starts(with: bytes) { return nil }
        guard starts(declarationStart) else { return ("UTF-8", 0) }
        guard bytes.contains(UInt8(ascii: ">")) || isFinal else { return nil }
        return (XMLDeclaration.encoding(in: bytes) ?? "UTF-8", 0)
    }

    private func start(_ name: String) -> Failure? {
        encoding = name
        // Only names of the XML EncName form go to iconv: no "//IGNORE" or "//TRANSLIT" suffix
        // that would make it drop or replace bad bytes silently.
        guard XMLDeclaration.isEncodingName(name) else { return .unsupported(name) }
        if XMLDeclaration.isUTF8(name) {
            encoding = "UTF-8"
            return nil
        }
        let upper = name.uppercased()
        let wide = upper.hasPrefix("UTF-16") || upper.hasPrefix("UTF16") || upper.hasPrefix("UCS-") || upper.hasPrefix("UTF-32")
        let detectedWide = ["UTF-16BE", "UTF-16LE", "UCS-4BE", "UCS-4LE"].contains(name)
        if wide && !detectedWide { return .mislabelled(name) }
        let converter = iconv_open("UTF-8", name)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return .unsupported(name) }
        self.converter = converter
        return nil
    }

    // MARK: - Conversion

    private func convert(
        _ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool, sink: (UnsafeBufferPointer<UInt8>) -> XMLStreamError?
    ) -> Stop? {
        guard let converter, let encoding else {
            if !bytes.isEmpty, let error = sink(bytes) { return .downstream(error) }
            return nil
        }
        var rest = bytes[...]
        while true {
            // A character cut by the end of the previous slice is completed byte by byte.
            while !pending.isEmpty, let byte = rest.first {
                rest = rest.dropFirst()
                let attempt = pending + [byte]
                pending = []
                if let stop = attempt.withUnsafeBufferPointer({ convertSlice($0, converter, encoding, sink: sink) }) { return stop }
            }
            guard !rest.isEmpty else { break }
            let slice = rest.prefix(Self.sliceSize)
            rest = rest.dropFirst(slice.count)
            if let stop = convertSlice(UnsafeBufferPointer(rebasing: slice), converter, encoding, sink: sink) { return stop }
        }
        if isFinal && !pending.isEmpty { return .failure(.unfinished(encoding: encoding, bytes: pending)) }
        return nil
    }

    /// Converts one slice; a character cut at its end is left in `pending`.
    private func convertSlice(
        _ slice: UnsafeBufferPointer<UInt8>, _ converter: iconv_t, _ encoding: String,
        sink: (UnsafeBufferPointer<UInt8>) -> XMLStreamError?
    ) -> Stop? {
        guard let base = slice.baseAddress, !slice.isEmpty else { return nil }
        // iconv takes char pointers; UInt8 and CChar memory may alias.
        var input: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
        var inputLeft = slice.count
        while inputLeft > 0 {
            var output: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer).assumingMemoryBound(to: CChar.self)
            var outputLeft = Self.outputCapacity
            let result = iconv(converter, &input, &inputLeft, &output, &outputLeft)
            let code = errno
            let written = Self.outputCapacity - outputLeft
            if written > 0, let error = sink(UnsafeBufferPointer(start: outputBuffer, count: written)) { return .downstream(error) }
            guard result == -1 else { break }
            let rest = slice[(slice.count - inputLeft)...]
            switch code {
            case E2BIG:
                continue
            case EINVAL:
                pending = Array(rest)
                return nil
            default:
                return .failure(.invalid(encoding: encoding, bytes: Array(rest.prefix(1))))
            }
        }
        return nil
    }
}
