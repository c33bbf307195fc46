import Testing

@testable import XMLStream

/// The validator against a reference built on the standard library's UTF-8 decoder: the same first invalid
/// character at the same line and column, however the bytes are cut into chunks.
@Suite("UTF-8 check: first invalid character and positions")
struct UTF8ValidatorTests {
    /// Characters of every length and the bytes department systems get wrong.
    static let valid: [[UInt8]] = [
        Array("a".utf8), Array("<名称>".utf8), Array("\n".utf8), Array("é".utf8), Array("中".utf8), Array("\u{E000}".utf8),
        Array("\u{D7FF}".utf8), Array("\u{0800}".utf8), Array("😀".utf8), Array("\u{10FFFF}".utf8), Array("abcdefghij".utf8),
        Array("宁波市政府采购".utf8),
    ]
    static let invalid: [[UInt8]] = [
        [0xC0, 0x80], [0xC1], [0x80], [0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xE4, 0xB8], [0xE4, 0x41], [0xD6, 0xD0, 0xB9, 0xFA],
    ]

    /// Line and column of each offset's character and the offset of the first invalid byte, by the standard library.
    func reference(_ bytes: [UInt8]) -> (invalidAt: Int?, line: Int, column: Int) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .emptyInput:
                return (nil, line, column)
            case .error:
                return (offset, line, column)
            }
        }
    }

    /// Validates in chunks: whether a character is invalid (or unfinished at the end), where it starts, its bytes;
    /// or the position at the end. The index of the failure within its chunk is checked for whole inputs only.
    func validate(_ bytes: [UInt8], chunks: [Int]) -> (failed: Bool, index: Int?, position: XMLPosition, bytes: [UInt8]) {
        var validator = UTF8Validator()
        var start = 0
        var cut = 0
        while start < bytes.count {
            let size = max(1, chunks[cut % chunks.count])
            cut += 1
            let end = min(start + size, bytes.count)
            let failure = bytes[start..<end].withUnsafeBufferPointer { validator.validate($0) }
            if let failure { return (true, start + failure.index, failure.position, failure.bytes) }
            start = end
        }
        if let unfinished = validator.unfinishedCharacter { return (true, bytes.count - unfinished.bytes.count, unfinished.position, unfinished.bytes) }
        return (false, nil, validator.position, [])
    }

    @Test("random mixes of valid and invalid characters, cut at random")
    func randomInputs() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &generator) { bytes += Self.valid.randomElement(using: &generator)! }
            if round % 3 != 0 { bytes += Self.invalid.randomElement(using: &generator)! }
            for _ in 0..<Int.random(in: 0...5, using: &generator) { bytes += Self.valid.randomElement(using: &generator)! }
            let expected = reference(bytes)
            let whole = validate(bytes, chunks: [bytes.count + 1])
            #expect(whole.failed == (expected.invalidAt != nil), "\(bytes)")
            #expect(whole.index == expected.invalidAt, "\(bytes)")
            #expect(whole.position == XMLPosition(line: expected.line, column: expected.column), "\(bytes)")
            let chunks = (0..<4).map { _ in Int.random(in: 1...20, using: &generator) }
            for cutting in [[1], chunks] {
                let result = validate(bytes, chunks: cutting)
                #expect(result.failed == whole.failed, "\(bytes) cut \(cutting)")
                #expect(result.position == whole.position, "\(bytes) cut \(cutting)")
                #expect(result.bytes == whole.bytes, "\(bytes) cut \(cutting)")
            }
        }
    }

    @Test("a valid run ends before an invalid byte and before a character the bytes end inside")
    func validRunEnds() {
        let text = Array("ab中文".utf8)
        for (tail, end) in [([UInt8](), text.count), ([0xE4, 0xB8], text.count), ([0xED, 0xA0, 0x80], text.count), ([0x80], text.count)] {
            let bytes = text + tail
            #expect(bytes.withUnsafeBufferPointer { UTF8Validator.validRun($0, from: 0) } == end, "\(tail)")
        }
        let long = Array("中文中文中文中文abcdefgh中".utf8)
        #expect(long.withUnsafeBufferPointer { UTF8Validator.validRun($0, from: 3) } == long.count)
    }

    /// Runs of three-byte characters take the validator's fast paths (two at a time, or one, after any ASCII);
    /// an overlong or surrogate lead (E0, ED), a bad continuation byte or a cut character at any place in such
    /// a run still ends it exactly where it should.
    @Test("a run of Chinese characters ends at the first invalid byte, wherever it falls")
    func threeByteRuns() {
        let plain = Array("宁波市政府采购中心".utf8)
        let edges: [[UInt8]] = [
            Array("\u{0800}".utf8), Array("\u{D7FF}".utf8), Array("\u{FFFD}".utf8), Array("é".utf8), Array("a".utf8),
            // ASCII before a multi-byte character, skipped at once from anywhere in an eight-byte load.
            Array("</项目>\n    <".utf8), Array("abcdefg".utf8),
        ]
        let breaks: [[UInt8]] = [[0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE4, 0x41, 0x80], [0xE4, 0xB8, 0xC0], [0xE4], [0xE4, 0xB8]]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes += Bool.random(using: &generator) ? plain : edges.randomElement(using: &generator)!
            }
            if Bool.random(using: &generator) {
                bytes += breaks.randomElement(using: &generator)!
                if Bool.random(using: &generator) { bytes += plain }
            }
            let expected = reference(bytes).invalidAt ?? bytes.count
            #expect(bytes.withUnsafeBufferPointer { UTF8Validator.validRun($0, from: 0) } == expected, "\(bytes)")
        }
    }
}
