import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension StandInFault {
    /// Runs `handle` under the fault drawn for this request (`nil`: no fault).
    static func apply(
        _ fault: StandInFault?,
        context: StandInRequestContext,
        handle: () async throws -> Response
    ) async throws -> Response {
        guard let fault else { return try await handle() }
        switch fault.kind {
        case .status:
            let status = fault.status ?? 500
            var headers: HTTPFields = [.contentType: "application/json"]
            if let seconds = fault.retryAfterSeconds {
                headers[.retryAfter] = String(seconds)
            }
            let body = #"{"error":"injected fault: \#(status)"}"#
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            )
        case .delay:
            let delay = Duration.milliseconds(fault.milliseconds ?? 0)
            guard fault.when == .beforeHandling else {
                let response = try await handle()
                try await Task.sleep(for: delay)
                return response
            }
            try await Task.sleep(for: delay)
            return try await handle()
        case .drop:
            if fault.when == .afterHandling {
                _ = try await handle()
            }
            // Closing the channel itself, not answering: the client sees the connection end with no response (curl:
            // "Empty reply from server"). Awaiting the close makes sure it happens before Hummingbird tries to write
            // the error response the thrown error would produce.
            try await context.channel.close().get()
            throw DroppedConnection()
        case .rejectRecord, .rejectWhereFieldContains:
            return try await handle()
        }
    }

    struct DroppedConnection: Error {}
}
