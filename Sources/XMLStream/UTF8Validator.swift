/// Checks UTF-8 input before libxml2 sees it, keeping the line and column of every character.
///
/// libxml2 reports the same invalid byte as "Input is not proper UTF-8" or as an internal error
/// in element content depending on where a chunk ended, and counts columns in bytes in places.
/// GBK text sent as UTF-8 is the encoding mistake department systems make most, so the reader
/// finds it itself: same code, same position, however the body arrives.
struct UTF8Validator {
    struct Failure {
        /// Index in the bytes just validated where the offending character starts; 0 when it
        /// started in an earlier call.
        var index: Int
        var position: XMLPosition
        var bytes: [UInt8]
    }

    private var line = 1
    private var column = 1
    /// Continuation bytes the current character still needs, and the range the next one must be in.
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// The bytes of the character being read, packed (at most four), and how many there are:
    /// no allocation per character, since most characters of a Chinese batch are multi-byte.
    private var packed: UInt32 = 0
    private var packedCount = 0
    private var sequenceStart = XMLPosition(line: 1, column: 1)

    private var sequence: [UInt8] {
        (0..<packedCount).map { UInt8(truncatingIfNeeded: packed >> (8 * UInt32($0))) }
    }

    /// Continuation bytes the character begun last still needs.
    var continuationBytesNeeded: Int { needed }
    /// Bytes of that unfinished character seen so far.
    var unfinishedCharacterLength: Int { needed > 0 ? packedCount : 0 }

    /// Where the next character starts.
    var position: XMLPosition { XMLPosition(line: line, column: column) }

    /// Whether the input stopped in the middle of a character, and where that character began.
    var unfinishedCharacter: Failure? {
        needed > 0 ? Failure(index: 0, position: sequenceStart, bytes: sequence) : nil
    }

    /// The first invalid character in `bytes`, or nil when they are valid so far.
    ///
    /// Valid runs are checked without counting (``validRun(_:from:)``) and then counted in one go
    /// (`UTF8Counting`): tracking the line and column character by character was most of the check's
    /// cost. The byte-by-byte path below takes a character cut by a chunk's end and the invalid one.
    mutating func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> Failure? {
        guard let start = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            if needed == 0 {
                let end = Self.validRun(bytes, from: index)
                if end > index {
                    UTF8Counting.advance(line: &line, column: &column, over: start + index, count: end - index)
                    index = end
                    continue
                }
            }
            let byte = bytes[index]
            if needed > 0 {
                guard byte >= lower && byte <= upper else {
                    return failure(at: index, startedHere: false, byte: byte)
                }
                packed |= UInt32(byte) << (8 * UInt32(packedCount))
                packedCount += 1
                (lower, upper) = (0x80, 0xBF)
                needed -= 1
                index += 1
                continue
            }
            switch byte {
            case 0x0A:
                line += 1
                column = 1
                index += 1
                continue
            case 0x00...0x7F:
                column += 1
                index += 1
                continue
            case 0xC2...0xDF: (needed, lower, upper) = (1, 0x80, 0xBF)
            case 0xE0: (needed, lower, upper) = (2, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (needed, lower, upper) = (2, 0x80, 0xBF)
            case 0xED: (needed, lower, upper) = (2, 0x80, 0x9F)  // no surrogates
            case 0xF0: (needed, lower, upper) = (3, 0x90, 0xBF)
            case 0xF1...0xF3: (needed, lower, upper) = (3, 0x80, 0xBF)
            case 0xF4: (needed, lower, upper) = (3, 0x80, 0x8F)  // nothing above U+10FFFF
            default:
                sequenceStart = XMLPosition(line: line, column: column)
                packedCount = 0
                return failure(at: index, startedHere: true, byte: byte)
            }
            sequenceStart = XMLPosition(line: line, column: column)
            packed = UInt32(byte)
            packedCount = 1
            column += 1
            index += 1
        }
        return nil
    }

    /// The end of the run of whole, valid characters from `index`: eight ASCII bytes at a time, the ASCII
    /// bytes before a multi-byte character at once, and two three-byte characters (most of a Chinese batch)
    /// in one load. Stops at an invalid byte or a character the bytes end inside.
    ///
    /// Skipping the ASCII prefix and pairing three-byte characters took the check over a 165 MB batch from
    /// 66 to 41 ms (a micro-benchmark of this function alone, best of 5).
    static func validRun(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        let base = UnsafeRawPointer(bytes.baseAddress!)
        let count = bytes.count
        var index = index
        while index < count {
            if index + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let highBits = word & 0x8080_8080_8080_8080
                if highBits == 0 {
                    index += 8
                    continue
                }
                let asciiPrefix = highBits.trailingZeroBitCount >> 3
                if asciiPrefix > 0 {
                    index += asciiPrefix
                    continue
                }
                // Three-byte characters (all of CJK): a lead 1110xxxx and two continuation bytes each. Leads E0
                // and ED, whose second byte has a narrower range, take the general check below.
                if word & 0x0000_C0C0_F0C0_C0F0 == 0x0000_8080_E080_80E0,
                    Self.isPlainThreeByteLead(UInt8(truncatingIfNeeded: word)),
                    Self.isPlainThreeByteLead(UInt8(truncatingIfNeeded: word >> 24))
                {
                    index += 6
                    continue
                }
                if word & 0x00C0_C0F0 == 0x0080_80E0, Self.isPlainThreeByteLead(UInt8(truncatingIfNeeded: word)) {
                    index += 3
                    continue
                }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard byte >= 0xC2 && byte <= 0xF4 else { return index }
            let length = byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            let (low, high): (UInt8, UInt8) =
                switch byte {
                case 0xE0: (0xA0, 0xBF)
                case 0xED: (0x80, 0x9F)  // no surrogates
                case 0xF0: (0x90, 0xBF)
                case 0xF4: (0x80, 0x8F)  // nothing above U+10FFFF
                default: (0x80, 0xBF)
                }
            guard second >= low && second <= high else { return index }
            if length > 2 && bytes[index + 2] & 0xC0 != 0x80 { return index }
            if length > 3 && bytes[index + 3] & 0xC0 != 0x80 { return index }
            index += length
        }
        return index
    }

    /// A three-byte lead whose second byte may be any continuation byte: not E0 (overlong below) nor ED
    /// (surrogates above).
    @inline(__always)
    private static func isPlainThreeByteLead(_ byte: UInt8) -> Bool {
        byte != 0xE0 && byte != 0xED
    }

    private func failure(at index: Int, startedHere: Bool, byte: UInt8) -> Failure {
        // The bytes of the broken character only, so that the message does not depend on chunking.
        let start = startedHere ? index : max(index - sequence.count, 0)
        return Failure(index: start, position: sequenceStart, bytes: sequence + [byte])
    }
}
