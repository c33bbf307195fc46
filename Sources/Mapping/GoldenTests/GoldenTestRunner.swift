import ExchangeStandard
import Foundation
import Yams

/// Runs `tests/<system>/cases.yaml` under a mappings directory: every input against its expected
/// output (field-level diff), and every stated fact about the samples.
///
/// cases.yaml:
/// ```yaml
/// source: "nb-gpp"
/// receivedAt: "2024-11-22T12:00:00+08:00"
/// inputs:                       # translated in order: versions carry over from one input to the next
///   - input: "NBZC-2024-1120-01.xml"
///     expected: "NBZC-2024-1120-01.expected.jsonl"
///     receivedAt: "2024-11-20T18:00:00+08:00"   # optional: overrides the case's receivedAt
/// facts:
///   - about: "the correction makes version 2"
///     hubRecord: "NBCG-2024-08812-JG"   # or creditRecord: / rejection: / unchanged: — a source record id
///     version: 2                         # optional: which version; subject: matches CF_XDR_MC
///     expect: {action: "correct", "amounts[kind=dealAmount].value": "12680000.00"}
///     rules: ["uscc.checkDigit"]         # rejections: rules that must be among the errors
/// ```
public struct GoldenTestRunner {
    public let mappings: MappingSet

    public init(mappings: MappingSet) {
        self.mappings = mappings
    }

    public struct CaseResult: Sendable {
        public var name: String
        public var failures: [String]
        public var inputs: Int
        public var facts: Int
        public var passed: Bool { failures.isEmpty }
    }

    /// Runs every case; with `update`, rewrites expected files from the actual output instead of comparing.
    public func run(update: Bool = false) -> [CaseResult] {
        let testsDirectory = URL(fileURLWithPath: mappings.directory).appendingPathComponent("tests")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: testsDirectory.path)) ?? []).sorted()
        return folders.compactMap { folder in
            let casesFile = testsDirectory.appendingPathComponent(folder).appendingPathComponent("cases.yaml")
            guard FileManager.default.fileExists(atPath: casesFile.path) else { return nil }
            return runCase(folder: testsDirectory.appendingPathComponent(folder), name: folder, update: update)
        }
    }

    private struct CasesFile: Decodable {
        struct Input: Decodable {
            var input: String
            var expected: String
            var receivedAt: String?
        }
        struct Fact: Decodable {
            var about: String?
            var hubRecord: String?
            var creditRecord: String?
            var rejection: String?
            var unchanged: String?
            var version: Int?
            var subject: String?
            var expect: [String: String]?
            var rules: [String]?
            var fields: [String]?
        }
        var source: String
        var receivedAt: String
        var inputs: [Input]
        var facts: [Fact]?
    }

    func runCase(folder: URL, name: String, update: Bool) -> CaseResult {
        var failures: [String] = []
        let cases: CasesFile
        do {
            let text = try String(contentsOf: folder.appendingPathComponent("cases.yaml"), encoding: .utf8)
            cases = try YAMLDecoder().decode(CasesFile.self, from: text)
        } catch {
            return CaseResult(name: name, failures: ["cases.yaml: \(error)"], inputs: 0, facts: 0)
        }
        let session = TranslationSession(mappings: mappings)
        var everything: [JSONValue] = []
        for input in cases.inputs {
            var actual: [JSONValue] = []
            do {
                _ = try session.translate(
                    file: folder.appendingPathComponent(input.input).path, source: cases.source, receivedAt: input.receivedAt ?? cases.receivedAt
                ) {
                    actual.append($0.jsonObject(language: .english))
                }
            } catch {
                failures.append("\(input.input): \(error)")
                continue
            }
            everything += actual
            let expectedURL = folder.appendingPathComponent(input.expected)
            if update {
                let text = actual.map(Self.line).joined(separator: "\n") + "\n"
                try? text.write(to: expectedURL, atomically: true, encoding: .utf8)
                continue
            }
            guard let expectedText = try? String(contentsOf: expectedURL, encoding: .utf8) else {
                failures.append("\(input.expected): missing (run `credit-gateway mappings test --update` to create it, then review it)")
                continue
            }
            let expected = expectedText.split(separator: "\n").compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
            failures += Self.compare(expected: expected, actual: actual).map { "\(input.input): \($0)" }
        }
        for fact in cases.facts ?? [] {
            failures += check(fact, in: everything).map { "fact \(fact.about.map { "“\($0)”" } ?? ""): \($0)" }
        }
        return CaseResult(name: name, failures: failures, inputs: cases.inputs.count, facts: cases.facts?.count ?? 0)
    }

    static func line(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// A stable key per output line, so lines are compared with their counterpart, not by position.
    static func key(_ line: JSONValue) -> String {
        for kind in ["hubRecord", "creditRecord"] {
            if let record = line.value(at: kind) {
                let id = record.value(at: kind == "hubRecord" ? "recordId" : "creditRecordId")?.plainText ?? "?"
                return "\(kind) \(id) v\(record.value(at: "version")?.plainText ?? "?")"
            }
        }
        if let rejection = line.value(at: "rejection") { return "rejection \(rejection.value(at: "sourceRecordId")?.plainText ?? "?")" }
        if let unchanged = line.value(at: "unchanged") { return "unchanged \(unchanged.value(at: "sourceRecordId")?.plainText ?? "?")" }
        return "line"
    }

    static func compare(expected: [JSONValue], actual: [JSONValue]) -> [String] {
        var failures: [String] = []
        let expectedByKey = Dictionary(expected.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let actualByKey = Dictionary(actual.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        for (key, value) in expectedByKey.sorted(by: { $0.key < $1.key }) {
            guard let other = actualByKey[key] else {
                failures.append("\(key): expected but not produced")
                continue
            }
            failures += JSONDifference.between(value, other).map { "\(key): \($0)" }
        }
        for key in actualByKey.keys.sorted() where expectedByKey[key] == nil {
            failures.append("\(key): produced but not expected")
        }
        return failures
    }

    private func check(_ fact: CasesFile.Fact, in lines: [JSONValue]) -> [String] {
        let selectors: [(String, String?)] = [
            ("hubRecord", fact.hubRecord), ("creditRecord", fact.creditRecord), ("rejection", fact.rejection), ("unchanged", fact.unchanged),
        ]
        guard let (kind, sourceId) = selectors.first(where: { $0.1 != nil }).map({ ($0.0, $0.1!) }) else {
            return ["names no hubRecord:, creditRecord:, rejection: or unchanged:"]
        }
        let matches = lines.compactMap { $0.value(at: kind) }.filter { object in
            let id = kind == "rejection" || kind == "unchanged" ? object.value(at: "sourceRecordId") : object.value(at: "source.recordId")
            guard id?.plainText == sourceId else { return false }
            if let version = fact.version, object.value(at: "version")?.plainText != String(version) { return false }
            if let subject = fact.subject, object.value(at: "CF_XDR_MC")?.plainText != subject { return false }
            return true
        }
        guard let object = matches.last else { return ["no \(kind) for \(sourceId)\(fact.version.map { " version \($0)" } ?? "")"] }
        var failures: [String] = []
        for (path, expected) in (fact.expect ?? [:]).sorted(by: { $0.key < $1.key }) {
            let actual = object.value(at: path)
            if actual?.plainText != expected {
                failures.append("\(kind) \(sourceId) \(path): expected \(expected), got \(JSONDifference.render(actual))")
            }
        }
        if let rules = fact.rules {
            let found = Set(
                object.value(at: "errors").flatMap { errors -> [String]? in
                    guard case .array(let items) = errors else { return nil }
                    return items.compactMap { $0.value(at: "rule")?.plainText }
                } ?? [])
            for rule in rules where !found.contains(rule) {
                failures.append("rejection \(sourceId): rule \(rule) not among \(found.sorted())")
            }
        }
        if let fields = fact.fields {
            let found = Set(
                object.value(at: "errors").flatMap { errors -> [String]? in
                    guard case .array(let items) = errors else { return nil }
                    return items.compactMap { $0.value(at: "field")?.plainText }
                } ?? [])
            for field in fields where !found.contains(field) {
                failures.append("rejection \(sourceId): no error on field \(field) (errors on \(found.sorted()))")
            }
        }
        return failures
    }
}
