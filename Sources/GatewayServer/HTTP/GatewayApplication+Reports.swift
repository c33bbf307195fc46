import ExchangeStandard
import Foundation
import HTTPTypes
import Hummingbird
import Mapping
import NIOCore
import Store

extension GatewayApplication {
    /// Parses `from`, `to` (YYYY-MM-DD) and `groupBy` (comma-separated dimensions) of a report request.
    public static func timelinessParameters(from: String?, to: String?, groupBy: String?) throws -> (
        LocalDate, LocalDate, [TimelinessReport.Dimension]
    ) {
        guard let fromText = from, let start = LocalDate(iso: fromText) else { throw FilterError(message: "from must be YYYY-MM-DD") }
        guard let toText = to, let end = LocalDate(iso: toText) else { throw FilterError(message: "to must be YYYY-MM-DD") }
        guard start <= end else { throw FilterError(message: "from must not be after to") }
        let names = (groupBy ?? "department,domain,itemType,month").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var dimensions: [TimelinessReport.Dimension] = []
        for name in names where !name.isEmpty {
            guard let dimension = TimelinessReport.Dimension(rawValue: name) else {
                throw FilterError(
                    message: "groupBy takes \(TimelinessReport.Dimension.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
            }
            dimensions.append(dimension)
        }
        return (start, end, dimensions)
    }

    /// `GET /v1/reports/timeliness?from=&to=&groupBy=&format=json|csv`.
    func timelinessReport(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let parameters: (LocalDate, LocalDate, [TimelinessReport.Dimension])
        do {
            parameters = try Self.timelinessParameters(
                from: query["from"].map(String.init), to: query["to"].map(String.init), groupBy: query["groupBy"].map(String.init))
        } catch let error as FilterError {
            return Self.error(400, "invalid_report_query", error.message, .english)
        }
        let (from, to, groupBy) = parameters
        let rows = try await store.firstVersions(TimelinessQuery(formedOn: from...to))
        let report = TimelinessReport(rows: rows, from: from, to: to, groupBy: groupBy, calendar: mappings.current.standard.calendar)
        if query["format"].map(String.init) == "csv" {
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"timeliness-\(from)-\(to).csv\""],
                body: .init(byteBuffer: ByteBuffer(string: report.csv)))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: report.json)))
    }
}
