#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Whole inputs

extension XMLRecordReader {
    /// Streams a file through the reader in chunks of `chunkSize` bytes, handing each record to
    /// `onRecord` as soon as its chunk is parsed, then finishes the document.
    ///
    /// Throws an `XMLStreamError` (code `.io` when the file cannot be read) or what `onRecord` throws.
    /// `documentContext` holds the batch-level content afterwards.
    public func readFile(at path: String, chunkSize: Int = 64 * 1024, onRecord: (XMLStreamedRecord) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw XMLStreamError(code: .io, message: "cannot open \(path): \(String(cString: strerror(errno)))", position: nil)
        }
        defer { close(descriptor) }

        var buffer = [UInt8](repeating: 0, count: max(chunkSize, 1))
        while true {
            let count = buffer.withUnsafeMutableBytes { readBytes(descriptor, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw XMLStreamError(code: .io, message: "cannot read \(path): \(String(cString: strerror(errno)))", position: nil)
            }
            if count == 0 { break }
            for record in try feed(buffer[..<count]) { try onRecord(record) }
        }
        for record in try finish() { try onRecord(record) }
    }

    /// Feeds every chunk, then finishes the document, handing records to `onRecord` as they complete.
    public func read<Chunk: Collection<UInt8>>(chunks: some Sequence<Chunk>, onRecord: (XMLStreamedRecord) throws -> Void) throws {
        for chunk in chunks {
            for record in try feed(chunk) { try onRecord(record) }
        }
        for record in try finish() { try onRecord(record) }
    }

    /// Reads a whole document held in memory and returns all its records: for tests and small
    /// documents (the mapping's golden files); a batch from the network should stream instead.
    public func readAll(_ document: some Collection<UInt8>) throws(XMLStreamError) -> [XMLStreamedRecord] {
        var records = try feed(document)
        records += try finish()
        return records
    }
}

/// POSIX `read`, out of reach of the reader's own `read(chunks:onRecord:)`.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
