import ExchangeStandard
import Foundation

/// A record version re-mapped from its stored raw batch with the current mapping, to replace what was stored.
///
/// The replay path after a mapping fix: an operator finds dead letters, reads the batch's raw body with
/// ``GatewayStore/rawBody(batchId:)``, maps it again, and hands each re-mapped version here. The store keeps the
/// version number and action (the receivers never accepted that version, so it is still the next one they
/// expect), replaces the JSON, content hash, trace and mapping version, and puts the version's dead outbox
/// entries back to pending.
public struct RecordVersionReplacement: Sendable {
    public enum Payload: Sendable {
        case hub(HubRecord)
        case credit(CreditRecord)
    }

    /// The re-mapped record; its id and `version` name the stored version to replace. `action` and
    /// `source.batchId` are taken from the stored version.
    public var payload: Payload
    public var contentHash: String
    public var trace: Data
    public var mappingVersion: String

    public init(payload: Payload, contentHash: String, trace: Data, mappingVersion: String) {
        self.payload = payload
        self.contentHash = contentHash
        self.trace = trace
        self.mappingVersion = mappingVersion
    }
}
