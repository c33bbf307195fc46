#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file front to back in chunks into one buffer that is reused for every chunk.
///
/// `translate` used `FileHandle.readData(ofLength:)`, which reads 4 KiB per system call into a new `Data`
/// for every chunk: a tenth of the parsing thread's time on a 165 MB batch (make bench-profile). Here
/// each chunk is one `read(2)` into the same memory, handed to the caller in place.
struct FileChunkReader: ~Copyable {
    /// Why a file could not be read, in the words of the C library.
    struct Failure: Error {
        var reason: String
    }

    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer

    /// 64 KiB: each chunk's records go to the mapping threads as one group, and larger groups raised peak RSS (55 MiB
    /// instead of 47 for 150,000 records with 256 KiB).
    static let defaultChunkSize = 64 * 1024

    init(path: String, chunkSize: Int = Self.defaultChunkSize) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(reason: Self.lastError()) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw Failure(reason: String(cString: strerror(EISDIR)))
        }
        self.descriptor = descriptor
        buffer = .allocate(byteCount: max(chunkSize, 1), alignment: 16)
    }

    deinit {
        buffer.deallocate()
        close(descriptor)
    }

    /// Hands `body` each chunk in order until the end of the file. The bytes are valid only during the call.
    func forEachChunk<E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(ChunkError<E>) {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .read(Failure(reason: Self.lastError()))
            }
            if count == 0 { return }
            do throws(E) {
                try body(UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: count))
            } catch {
                throw .body(error)
            }
        }
    }

    /// Either the file failed to read or the caller's body threw.
    enum ChunkError<E: Error>: Error {
        case read(Failure)
        case body(E)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
