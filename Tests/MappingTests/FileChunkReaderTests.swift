import Foundation
import Testing

@testable import Mapping

@Suite("FileChunkReader: a file in chunks through one buffer")
struct FileChunkReaderTests {
    @Test("chunks put together are the file, whatever the chunk size", arguments: [1, 7, 4096, 1 << 20])
    func chunksAreTheFile(chunkSize: Int) throws {
        let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let reader = try FileChunkReader(path: file.path, chunkSize: chunkSize)
        var read: [UInt8] = []
        var calls = 0
        try reader.forEachChunk { (chunk: UnsafeBufferPointer<UInt8>) throws(Never) in
            #expect(chunk.count <= chunkSize && !chunk.isEmpty)
            read.append(contentsOf: chunk)
            calls += 1
        }
        #expect(read == bytes)
        #expect(calls >= (bytes.count + chunkSize - 1) / chunkSize)
    }

    @Test("an empty file has no chunks")
    func emptyFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var calls = 0
        try FileChunkReader(path: file.path).forEachChunk { (_: UnsafeBufferPointer<UInt8>) throws(Never) in calls += 1 }
        #expect(calls == 0)
    }

    @Test("the body's error stops the reading and comes back as the body's")
    func bodyErrorStops() throws {
        struct Stop: Error { var at: Int }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        try Data(repeating: 0x41, count: 100).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var calls = 0
        let reader = try FileChunkReader(path: file.path, chunkSize: 10)
        do throws(FileChunkReader.ChunkError<Stop>) {
            try reader.forEachChunk { (_: UnsafeBufferPointer<UInt8>) throws(Stop) in
                calls += 1
                if calls == 3 { throw Stop(at: calls) }
            }
            Issue.record("the error was lost")
        } catch {
            guard case .body(let stop) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(stop.at == 3)
        }
        #expect(calls == 3)
    }

    @Test("a missing file or a directory is refused with the C library's reason")
    func unopenable() {
        #expect(throws: FileChunkReader.Failure.self) { _ = try FileChunkReader(path: "/nonexistent/\(UUID().uuidString)") }
        do throws(FileChunkReader.Failure) {
            _ = try FileChunkReader(path: FileManager.default.temporaryDirectory.path)
            Issue.record("a directory was opened")
        } catch {
            #expect(error.reason == "Is a directory")
        }
    }
}
