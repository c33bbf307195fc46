import Hummingbird
import NIOCore

/// The stand-ins' request context: Hummingbird's core storage plus the connection, which the dropped-connection fault
/// closes and the state counts (to show keep-alive reuse from the server's side).
public struct StandInRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// A full hub batch (500 records) is well above Hummingbird's 2 MB default.
    public var maxUploadSize: Int { 64 << 20 }

    /// The client's address and port: distinct per connection.
    var connectionName: String {
        channel.remoteAddress.map { "\($0)" } ?? "unknown"
    }
}
