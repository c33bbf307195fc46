/// What a record version does at the receivers.
public enum RecordAction: String, Hashable, Sendable, Codable, CaseIterable {
    case publish
    case correct
    case withdraw
}

/// Where a record came from: the department system, its own record id and the batch it came in.
public struct SourceReference: Hashable, Sendable, Codable {
    public var system: String
    public var recordId: String
    public var batchId: String

    public init(system: String, recordId: String, batchId: String) {
        self.system = system
        self.recordId = recordId
        self.batchId = batchId
    }
}
