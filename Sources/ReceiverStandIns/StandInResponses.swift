import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

// Small helpers both stand-ins answer with.

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
