import ExchangeStandard
import Testing
import Yams

/// The YAML 1.1 trap: bare `on`, `off`, `yes`, `no`, `y`, `n` are booleans, bare dates timestamps, `~` null.
/// The shipped data quotes every string, and decodes with every string intact.
@Suite("YAML data files keep their strings")
struct YAMLStringsTests {
    /// Keys whose values are not strings.
    static let nonStringKeys: Set<String> = ["workingDays", "credit"]
    static let yaml11Booleans: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false"]

    /// Every scalar value that is meant as a string is quoted; non-string values are plain; keys are never a
    /// YAML 1.1 boolean or null.
    static func unquotedStrings(in node: Node, key: String? = nil, path: String = "") -> [String] {
        switch node {
        case .scalar(let scalar):
            if let key, nonStringKeys.contains(key) { return scalar.style == .plain ? [] : ["\(path) should be plain"] }
            return scalar.style == .doubleQuoted || scalar.style == .singleQuoted ? [] : ["\(path) = \(scalar.string) is not quoted"]
        case .mapping(let mapping):
            return mapping.flatMap { pair -> [String] in
                let name = pair.key.string ?? "?"
                var problems: [String] = []
                if yaml11Booleans.contains(name.lowercased()) || name == "~" || name.lowercased() == "null" {
                    problems.append("\(path)/\(name) is a YAML 1.1 boolean or null key")
                }
                return problems + unquotedStrings(in: pair.value, key: name, path: "\(path)/\(name)")
            }
        case .sequence(let sequence):
            return sequence.enumerated().flatMap { unquotedStrings(in: $1, key: key, path: "\(path)[\($0)]") }
        case .alias:
            return ["\(path) uses an alias"]
        }
    }

    @Test("catalog.yaml quotes every string")
    func catalogQuoted() throws {
        let node = try #require(try Yams.compose(yaml: RepositoryFiles.text("Mappings/catalog.yaml")))
        #expect(Self.unquotedStrings(in: node) == [])
    }

    @Test("calendar files quote every string")
    func calendarsQuoted() throws {
        let files = try RepositoryFiles.calendarFiles()
        #expect(files == ["Mappings/calendars/cn.yaml"])
        for file in files {
            let node = try #require(try Yams.compose(yaml: RepositoryFiles.text(file)))
            #expect(Self.unquotedStrings(in: node) == [], "\(file)")
        }
    }

    @Test("the check itself catches the trap")
    func detectsTrap() throws {
        let node = try #require(try Yams.compose(yaml: "code: NO\nname: \"x\"\nitems: [on, \"off\"]\nworkingDays: 20\n"))
        #expect(Self.unquotedStrings(in: node) == ["/code = NO is not quoted", "/items[0] = on is not quoted"])
    }

    @Test("every string decodes intact")
    func decodedStrings() throws {
        let catalog = try RepositoryFiles.catalog()
        for item in catalog.itemTypes {
            #expect(item.code.hasPrefix(item.domain + "."))
            #expect(!item.name.isEmpty && item.name != "true" && item.name != "false")
            #expect(item.content.allSatisfy { !$0.isEmpty && $0 != "true" && $0 != "false" })
        }
        #expect(catalog.version == "1")
        let calendar = try RepositoryFiles.calendar()
        let names = Set(calendar.years.flatMap { $0.holidays.map(\.name) + $0.workdays.map(\.name) })
        #expect(names == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节", "中秋节、国庆节"])
        #expect(calendar.years.allSatisfy { !$0.notices.isEmpty && $0.notices.allSatisfy { $0.hasPrefix("http") } })
        #expect(calendar.years.first?.holidays.first?.dates.first == LocalDate("2018-12-30"))
    }
}
