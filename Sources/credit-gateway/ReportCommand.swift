import ArgumentParser
import ExchangeStandard
import Foundation
import GatewayServer
import Mapping
import Store

/// `credit-gateway report timeliness`: the disclosure-timeliness report for the performance assessment.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reports.", subcommands: [Timeliness.self])

    struct Timeliness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Records, on time, late, on-time rate and delays in working days, per department, domain, item type and month.")

        @Option(help: "First formation day (YYYY-MM-DD).")
        var from: String

        @Option(help: "Last formation day (YYYY-MM-DD).")
        var to: String

        @Option(name: .customLong("group-by"), help: "Comma-separated: department, domain, itemType, month.")
        var groupBy = "department,domain,itemType,month"

        @Option(help: "table, csv or json.")
        var format = "table"

        @Option(name: .customLong("data-dir"), help: "Data directory holding gateway.sqlite.")
        var dataDirectory = "data"

        @Option(help: "The mappings directory (for the working-day calendar).")
        var mappings = "Mappings"

        func run() async throws {
            let parameters: (from: LocalDate, to: LocalDate, groupBy: [TimelinessReport.Dimension])
            do {
                let parsed = try GatewayApplication.timelinessParameters(from: from, to: to, groupBy: groupBy)
                parameters = (parsed.0, parsed.1, parsed.2)
            } catch let error as GatewayApplication.FilterError {
                throw ValidationError(error.message)
            }
            let set = try MappingsCommand.loadOrExit(mappings, language: .chinese)
            let store = try SQLiteGatewayStore(path: (dataDirectory as NSString).appendingPathComponent("gateway.sqlite"))
            let rows = try await store.firstVersions(TimelinessQuery(formedOn: parameters.from...parameters.to))
            let report = TimelinessReport(
                rows: rows, from: parameters.from, to: parameters.to, groupBy: parameters.groupBy, calendar: set.standard.calendar)
            switch format {
            case "csv": FileHandle.standardOutput.write(Data(report.csv.utf8))
            case "json": FileHandle.standardOutput.write(report.json + Data("\n".utf8))
            case "table": print(report.table, terminator: "")
            default: throw ValidationError("--format is table, csv or json")
            }
        }
    }
}
