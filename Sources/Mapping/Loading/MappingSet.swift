import ExchangeStandard
import Foundation
import Yams

/// Everything under a `Mappings/` directory, loaded and checked: the catalog, the working-day calendar,
/// shared code tables, and one mapping file per department system (`systems/<id>.yaml`).
public struct MappingSet: Sendable {
    public var directory: String
    public var standard: StandardData
    public var mappings: [String: MappingSpec]
    /// SHA-256 over every file that shapes a mapping's output: names the version stored with each record.
    public var version: String

    public func mapper(for system: String) -> RecordMapper? {
        mappings[system].map { RecordMapper(spec: $0, standard: standard) }
    }

    /// Loads and checks the directory; diagnostics include warnings even on success.
    public static func load(directory: String) -> Result<(MappingSet, [MappingDiagnostic]), MappingLoadError> {
        var diagnostics: [MappingDiagnostic] = []
        let base = URL(fileURLWithPath: directory)
        var hashedFiles: [(String, String)] = []

        func read(_ relative: String) -> String? {
            let url = base.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(MappingDiagnostic(code: "encoding", message: "not UTF-8", location: .init(file: relative, line: 1, column: 1)))
                return nil
            }
            hashedFiles.append((relative, SHA256Digest.hex(of: data)))
            return text
        }
        func yamlFiles(in folder: String) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(folder).path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(folder)/\($0)" }
        }
        func decode<T: Decodable>(_ type: T.Type, _ relative: String) -> T? {
            guard let text = read(relative) else {
                diagnostics.append(
                    MappingDiagnostic(code: "missing_file", message: "\(relative) is missing", location: .init(file: relative, line: 1, column: 1)))
                return nil
            }
            do {
                return try YAMLDecoder().decode(T.self, from: text)
            } catch {
                diagnostics.append(
                    MappingDiagnostic(code: "invalid_data", message: "\(error)", location: .init(file: relative, line: 1, column: 1)))
                return nil
            }
        }

        let catalog = decode(DisclosureCatalog.self, "catalog.yaml")
        var calendars: [WorkingDayCalendar] = []
        for file in yamlFiles(in: "calendars") {
            if let calendar = decode(WorkingDayCalendar.self, file) { calendars.append(calendar) }
        }
        var calendar: WorkingDayCalendar?
        do {
            calendar = try WorkingDayCalendar(merging: calendars)
        } catch {
            diagnostics.append(
                MappingDiagnostic(code: "invalid_data", message: error.message, location: .init(file: "calendars", line: 1, column: 1)))
        }
        if calendars.isEmpty {
            diagnostics.append(
                MappingDiagnostic(
                    code: "missing_file", message: "no working-day calendar under calendars/", location: .init(file: "calendars", line: 1, column: 1))
            )
        }

        var codeTables: [String: CodeTable] = [:]
        for file in yamlFiles(in: "codes") {
            guard let text = read(file) else { continue }
            let reader = YAMLNodeReader(file: file)
            do {
                guard let node = try Yams.compose(yaml: text), let entries = reader.entries(node, what: "a code table file") else { continue }
                reader.checkKeys(entries, allowed: ["name", "description", "entries"], what: "a code table file")
                let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let name = entries.first { $0.key == "name" }.flatMap { reader.scalar($0.value) } ?? stem
                if let entriesNode = entries.first(where: { $0.key == "entries" })?.value,
                    let table = MappingLoader.codeTable(named: name, node: entriesNode, reader: reader)
                {
                    codeTables[name] = table
                } else {
                    reader.report("missing_key", "a code table file needs entries:", at: node)
                }
            } catch {
                reader.report("yaml_syntax", "\(error)", at: nil)
            }
            diagnostics += reader.diagnostics
        }

        let environment = MappingEnvironment(
            codeTables: codeTables, catalogDomains: catalog.map { Set($0.domains.map(\.code)) },
            catalogItemTypes: catalog.map { Set($0.itemTypes.map(\.code)) })
        var mappings: [String: MappingSpec] = [:]
        for file in yamlFiles(in: "systems") {
            guard let text = read(file) else { continue }
            let (spec, found) = MappingLoader.load(text: text, file: file, environment: environment)
            diagnostics += found
            guard let spec else { continue }
            if let other = mappings[spec.system] {
                diagnostics.append(
                    MappingDiagnostic(
                        code: "duplicate_system", message: "system '\(spec.system)' is already mapped by \(other.file)",
                        location: .init(file: file, line: 1, column: 1)))
            }
            mappings[spec.system] = spec
        }
        if mappings.isEmpty && !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics.append(
                MappingDiagnostic(
                    code: "missing_file", message: "no mapping files under systems/", location: .init(file: "systems", line: 1, column: 1)))
        }

        guard !diagnostics.contains(where: { $0.severity == .error }), let catalog, let calendar else {
            return .failure(MappingLoadError(diagnostics: diagnostics))
        }
        let version = SHA256Digest.hex(of: hashedFiles.sorted { $0.0 < $1.0 }.map { "\($0.0)\u{0}\($0.1)" }.joined(separator: "\n"))
        let set = MappingSet(
            directory: directory, standard: StandardData(catalog: catalog, calendar: calendar), mappings: mappings, version: version)
        return .success((set, diagnostics))
    }
}
extension MappingLoader {
    static func codeTable(named name: String, node: Node, reader: YAMLNodeReader) -> CodeTable? {
        guard let pairs = reader.entries(node, what: "code table '\(name)'") else { return nil }
        var entries: [String: String] = [:]
        for pair in pairs {
            if let value = reader.string(pair.value, what: "code table entry '\(pair.key)'") { entries[pair.key] = value }
        }
        return CodeTable(name: name, entries: entries, location: reader.location(node))
    }
}
