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

/// A JSON answer with `status`.
func jsonResponse(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(body)) ?? Data(#"{"error":"cannot encode the answer"}"#.utf8)
    return jsonResponse(status, data: data)
}

/// An answer with the JSON bytes `data`.
func jsonResponse(_ status: HTTPResponse.Status, data: Data) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
    )
}

/// `{"error": message}` with `status`.
func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
    jsonResponse(status, ["error": message])
}

/// A request's body as `Data`, up to the context's limit.
func collectBody(_ request: Request, context: StandInRequestContext) async throws -> Data {
    let buffer = try await request.body.collect(upTo: context.maxUploadSize)
    return Data(buffer.readableBytesView)
}

/// The top-level string fields of a JSON object, for the field-text rejection rules.
func topLevelStrings(_ object: Any) -> [String: String] {
    guard let dictionary = object as? [String: Any] else { return [:] }
    return dictionary.compactMapValues { $0 as? String }
}
