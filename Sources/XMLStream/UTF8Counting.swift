#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines and columns over runs of valid UTF-8: columns count characters, lines end at LF.
enum UTF8Counting {
    /// Moves a line and column over `count` bytes of UTF-8: a new line at each LF, a column per character.
    /// Every byte of a document passes through here (from one start tag to the next, and in the UTF-8
    /// check), so lines are found with `memchr` and characters counted eight bytes at a time.
    static func advance(line: inout Int, column: inout Int, over start: UnsafePointer<UInt8>, count: Int) {
        let end = start + count
        var lineStart = start
        while lineStart < end, let newline = memchr(lineStart, 0x0A, end - lineStart) {
            line += 1
            lineStart = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
        }
        if lineStart != start { column = 1 }
        column += characterCount(lineStart, end - lineStart)
    }

    /// The characters in `count` bytes of UTF-8: the bytes that are not continuation bytes (`10xxxxxx`).
    static func characterCount(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var continuations = 0
        var offset = 0
        let raw = UnsafeRawPointer(start)
        while offset + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Bit 7 set and bit 6 clear: shifting left by one moves each byte's bit 6 onto its bit 7.
            continuations += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            offset += 8
        }
        while offset < count {
            if start[offset] & 0xC0 == 0x80 { continuations += 1 }
            offset += 1
        }
        return count - continuations
    }
}
