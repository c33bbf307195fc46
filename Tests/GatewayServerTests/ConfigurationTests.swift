import Foundation
import GatewayServer
import Testing

@Suite("configuration file and environment")
struct ConfigurationTests {
    static func file(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("mapping threads per batch: from the file, overridden by GATEWAY_MAPPING_THREADS, refused outside 0…64")
    func mappingThreads() throws {
        let path = try Self.file("limits: {mappingThreadsPerBatch: 3, maxRecordsPerBatch: 500}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try GatewayConfiguration.load(file: path, environment: [:])
        #expect(fromFile.limits.mappingThreadsPerBatch == 3)
        #expect(fromFile.limits.maxRecordsPerBatch == 500)
        #expect(try GatewayConfiguration.load(file: path, environment: ["GATEWAY_MAPPING_THREADS": "0"]).limits.mappingThreadsPerBatch == 0)
        #expect(try GatewayConfiguration.load(file: nil, environment: [:]).limits.mappingThreadsPerBatch == GatewayConfiguration.Limits().mappingThreadsPerBatch)

        let refused = try Self.file("limits: {mappingThreadsPerBatch: 65}\n")
        defer { try? FileManager.default.removeItem(atPath: refused) }
        #expect {
            try GatewayConfiguration.load(file: refused, environment: [:])
        } throws: { error in
            String(describing: error).contains("mappingThreadsPerBatch must be between 0 and 64")
        }
    }
}
