import Foundation

/// The fields of a posted console form: `application/x-www-form-urlencoded`, or `multipart/form-data` for the
/// preview's file upload (kept as bytes: a batch may be GBK or GB18030, and only the XML parser may decode it).
struct ConsoleForm: Sendable {
    struct Field: Sendable {
        var name: String
        var filename: String?
        var data: Data

        var text: String { String(decoding: data, as: UTF8.self) }
    }

    var fields: [Field] = []

    subscript(_ name: String) -> String? {
        fields.first { $0.name == name }.map(\.text)
    }

    /// Every value of a repeated field.
    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.text)
    }

    func file(_ name: String) -> Field? {
        fields.first { $0.name == name && $0.filename != nil }
    }

    /// Parses a body by its `Content-Type`; nil when it is neither form encoding or is malformed.
    static func parse(contentType: String?, body: Data) -> ConsoleForm? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        switch parts.first?.lowercased() {
        case "application/x-www-form-urlencoded":
            return urlEncoded(String(decoding: body, as: UTF8.self))
        case "multipart/form-data":
            guard let boundary = parts.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count)
            else { return nil }
            return multipart(body, boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        default:
            return nil
        }
    }

    static func urlEncoded(_ text: String) -> ConsoleForm {
        var form = ConsoleForm()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            let value = pieces.count > 1 ? decode(pieces[1]) : ""
            form.fields.append(Field(name: decode(pieces[0]), filename: nil, data: Data(value.utf8)))
        }
        return form
    }

    static func multipart(_ body: Data, boundary: String) -> ConsoleForm? {
        guard !boundary.isEmpty else { return nil }
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var form = ConsoleForm()
        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { return form }
            guard body[cursor...].starts(with: Data("\r\n".utf8)) else { return nil }
            let partStart = cursor + 2
            guard let headersRange = body.range(of: headerEnd, in: partStart..<body.endIndex),
                let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headersRange.upperBound..<body.endIndex)
            else { return nil }
            let headers = String(decoding: body[partStart..<headersRange.lowerBound], as: UTF8.self)
            let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }.map(String.init) ?? ""
            if let name = parameter("name", in: disposition) {
                form.fields.append(
                    Field(name: name, filename: parameter("filename", in: disposition), data: Data(body[headersRange.upperBound..<next.lowerBound])))
            }
            cursor = next.upperBound
        }
    }

    /// `name="value"` of a `Content-Disposition` header.
    private static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("\(key)=") else { continue }
            var value = trimmed.dropFirst(key.count + 1)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }
}
