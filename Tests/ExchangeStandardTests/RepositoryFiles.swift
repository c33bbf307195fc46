import ExchangeStandard
import Foundation
import Yams

/// The data files the project ships, read from the repository (never from outside it).
enum RepositoryFiles {
    /// The repository root: this file is `Tests/ExchangeStandardTests/RepositoryFiles.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    static func catalog() throws -> DisclosureCatalog {
        try YAMLDecoder().decode(DisclosureCatalog.self, from: text("Mappings/catalog.yaml"))
    }

    /// Every shipped calendar file under `Mappings/calendars/`, merged.
    static func calendar() throws -> WorkingDayCalendar {
        try WorkingDayCalendar(merging: calendarFiles().map { try YAMLDecoder().decode(WorkingDayCalendar.self, from: text($0)) })
    }

    static func calendarFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url("Mappings/calendars").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "Mappings/calendars/\($0)" }
    }

    /// The sample batches under `Mappings/tests/<system>/*.xml`.
    static func sampleBatches() throws -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for system in try manager.contentsOfDirectory(atPath: url("Mappings/tests").path).sorted() {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url("Mappings/tests/\(system)").path, isDirectory: &isDirectory), isDirectory.boolValue
            else { continue }
            for file in try manager.contentsOfDirectory(atPath: url("Mappings/tests/\(system)").path).sorted() where file.hasSuffix(".xml") {
                paths.append("Mappings/tests/\(system)/\(file)")
            }
        }
        return paths
    }
}

extension LocalDate {
    /// `"2024-10-23"` in tests; traps on a typo.
    init(_ text: String) {
        self.init(iso: text)!
    }
}
