import ExchangeStandard
import Foundation

/// The language a person reads: Chinese by default (department vendors, integrators, operators).
public enum MessageLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    case chinese = "zh"
    case english = "en"

    /// Reads `--lang en`, `Accept-Language: en-US,en;q=0.9` and the like; anything else is Chinese.
    public init(acceptLanguage: String?) {
        guard let header = acceptLanguage?.lowercased() else {
            self = .chinese
            return
        }
        let first = header.split(separator: ",").first.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) } ?? ""
        self = first.hasPrefix("en") ? .english : .chinese
    }
}

/// One thing wrong with a source record: which field, which rule, which value, and why.
///
/// `rule` is a stable identifier vendors can match on (`required`, `uscc.checkDigit`, `date`);
/// the message comes in both languages so any channel can answer in its reader's language.
public struct RecordProblem: Hashable, Sendable, Codable {
    public var field: String
    public var rule: String
    public var value: String?
    public var chineseMessage: String
    public var englishMessage: String

    public init(field: String, rule: String, value: String?, chinese: String, english: String) {
        self.field = field
        self.rule = rule
        self.value = value
        self.chineseMessage = chinese
        self.englishMessage = english
    }

    /// A problem from one of the data standard's checks (identifiers, amounts, catalog, calendar).
    public init(field: String, value: String?, failure: some StandardRuleFailure) {
        self.init(field: field, rule: failure.rule, value: value, chinese: failure.chineseMessage, english: failure.message)
    }

    public func message(_ language: MessageLanguage) -> String {
        language == .english ? englishMessage : chineseMessage
    }
}

/// A source record the gateway refused, with every problem found in it.
public struct RecordRejection: Hashable, Sendable {
    public var sourceRecordId: String?
    public var recordSpec: String
    /// Where the record element starts in the input, so vendors can find it.
    public var line: Int
    public var column: Int
    public var problems: [RecordProblem]

    public init(sourceRecordId: String?, recordSpec: String, line: Int, column: Int, problems: [RecordProblem]) {
        self.sourceRecordId = sourceRecordId
        self.recordSpec = recordSpec
        self.line = line
        self.column = column
        self.problems = problems
    }
}
