import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

/// Paths of the project's own files, found from this source file: tests never read outside the repository.
enum ProjectFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mappings = root.appendingPathComponent("Mappings").path

    static func sample(_ system: String, _ file: String) -> String {
        root.appendingPathComponent("Mappings/tests/\(system)/\(file)").path
    }

    /// The shipped mappings, loaded once per test that needs them.
    static func loadMappings() throws -> MappingSet {
        switch MappingSet.load(directory: mappings) {
        case .success(let (set, _)): return set
        case .failure(let error): throw error
        }
    }

    static func translate(_ system: String, _ files: [String], receivedAt: String, trace: Bool = false) throws -> [TranslationLine] {
        let session = TranslationSession(mappings: try loadMappings())
        var lines: [TranslationLine] = []
        for file in files {
            _ = try session.translate(file: sample(system, file), source: system, receivedAt: receivedAt, trace: trace) { lines.append($0) }
        }
        return lines
    }
}
