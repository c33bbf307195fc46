import ArgumentParser
import ExchangeStandard
import Foundation
import Mapping
import XMLStream

/// `credit-gateway translate`: runs department files through their mapping and prints JSON lines.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Map department XML batches and print one JSON object per line (hub records, credit records, rejections).",
        discussion: """
            Several files are translated in order, as if the gateway accepted them one after the other: a record that a
            later file changes becomes version 2 (correct). A single file prints every record as version 1, in constant
            memory whatever its size. Exit 0 when every file was read (rejected records included);
            exit 65 with file:line:column on stderr when a file is malformed or refused XML.
            """
    )

    @Option(help: "The department system id whose mapping to use (e.g. nb-gpp).")
    var source: String

    @Option(help: "The mappings directory.")
    var mappings: String = "Mappings"

    @Option(name: .customLong("received-at"), help: "When the gateway received the batch (RFC 3339); defaults to now.")
    var receivedAt: String?

    @Flag(help: "Print, with each hub record, the mapping rule and source path behind every field.")
    var trace = false

    @Option(
        name: .customLong("mapping-threads"),
        help: "Threads that map records while a single file is parsed (0: map on the parsing thread; default: one per core, up to 4).")
    var mappingThreads: Int?

    @OptionGroup var language: LanguageOption

    @Argument(help: "XML files to translate.")
    var files: [String]

    func run() throws {
        let set = try MappingsCommand.loadOrExit(mappings, language: language.language)
        let timestamp = receivedAt ?? Clock.nowBeijingRFC3339()
        guard TranslationSession.beijingDay(of: timestamp) != nil else {
            throw ValidationError("--received-at must be an RFC 3339 timestamp such as 2024-11-20T09:00:00+08:00")
        }
        let session = TranslationSession(mappings: set)
        session.tracksVersions = files.count > 1
        if let mappingThreads {
            guard (0...64).contains(mappingThreads) else { throw ValidationError("--mapping-threads must be between 0 and 64") }
            session.mappingThreads = mappingThreads
        }
        let messageLanguage: MessageLanguage = language.language == .english ? .english : .chinese
        var output = CanonicalJSONWriter(capacity: Self.flushThreshold + 16 * 1024)
        defer { Self.flush(&output) }
        for file in files {
            do {
                _ = try session.translateJSONLines(file: file, source: source, receivedAt: timestamp, trace: trace, language: messageLanguage) {
                    text in
                    output.raw(text)
                    if output.bytes.count >= Self.flushThreshold { Self.flush(&output) }
                }
            } catch {
                // The lines read before the error go out before the message about it, as they did unbuffered.
                Self.flush(&output)
                switch error {
                case .unknownSource:
                    Console.error(error.message(in: messageLanguage))
                    throw ExitCode(64)
                case .unreadable:
                    Console.error(error.message(in: messageLanguage))
                    throw ExitCode(66)
                case .xml(let file, let xmlError):
                    let position = xmlError.position.map { "\($0.line):\($0.column)" } ?? "1:1"
                    let message = messageLanguage == .english ? xmlError.message : "\(xmlError.code.chineseDescription)：\(xmlError.message)"
                    Console.error("\(file):\(position): \(message)")
                    throw ExitCode(65)
                }
            }
        }
    }
}

extension TranslateCommand {
    /// Lines are collected and written 64 KiB at a time: a write per line cost more than mapping the record.
    static let flushThreshold = 64 * 1024

    static func flush(_ output: inout CanonicalJSONWriter) {
        guard !output.bytes.isEmpty else { return }
        output.bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // stdout closed (a pipe into head): nothing more can be said there
                }
                offset += written
            }
        }
        output.removeAll()
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) {
        write(Data(string.utf8))
    }
}

enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(message + "\n")
    }
}

enum Clock {
    /// Now, as RFC 3339 in Beijing time: the offset the exchange uses everywhere.
    static func nowBeijingRFC3339() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssXXXXX"
        return formatter.string(from: Date())
    }
}
