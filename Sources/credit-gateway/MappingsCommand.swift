import ArgumentParser
import Foundation
import Mapping

/// `credit-gateway mappings check|test`: what integrators run after editing a mapping file.
struct MappingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Check and test the mapping files.",
        subcommands: [Check.self, Test.self]
    )

    /// Loads a mappings directory, or prints every diagnostic as file:line:column and exits 65.
    static func loadOrExit(_ directory: String, language: MessageLanguageChoice) throws -> MappingSet {
        switch MappingSet.load(directory: directory) {
        case .success(let (set, diagnostics)):
            for diagnostic in diagnostics { Console.error(render(diagnostic, directory: directory)) }
            return set
        case .failure(let error):
            for diagnostic in error.diagnostics { Console.error(render(diagnostic, directory: directory)) }
            Console.error(
                language == .english
                    ? "\(error.diagnostics.count) problem(s) in \(directory)" : "\(directory) 中有 \(error.diagnostics.count) 处问题")
            throw ExitCode(65)
        }
    }

    static func render(_ diagnostic: MappingDiagnostic, directory: String) -> String {
        var location = diagnostic.location
        location.file = (directory as NSString).appendingPathComponent(location.file)
        return "\(location): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]"
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find unknown keys, malformed paths, unknown code tables, target fields and catalog codes, and type errors.")

        @Argument(help: "The mappings directory.")
        var directory: String = "Mappings"

        @OptionGroup var language: LanguageOption

        func run() throws {
            let set = try MappingsCommand.loadOrExit(directory, language: language.language)
            let systems = set.mappings.keys.sorted().joined(separator: ", ")
            print(language.language == .english ? "OK: \(set.mappings.count) mappings (\(systems))" : "检查通过：\(set.mappings.count) 个映射（\(systems)）")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every sample input under tests/ against its expected output and the stated facts.")

        @Argument(help: "The mappings directory.")
        var directory: String = "Mappings"

        @Flag(help: "Rewrite the expected files from the current output (review the diff before committing).")
        var update = false

        @OptionGroup var language: LanguageOption

        func run() throws {
            let set = try MappingsCommand.loadOrExit(directory, language: language.language)
            let results = GoldenTestRunner(mappings: set).run(update: update)
            var failed = 0
            for result in results {
                if result.passed {
                    print("✓ \(result.name) (\(result.inputs) inputs, \(result.facts) facts)")
                } else {
                    failed += 1
                    print("✗ \(result.name)")
                    for failure in result.failures { print("    \(failure)") }
                }
            }
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
