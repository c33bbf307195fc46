import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue` at once.
///
/// curl and libcurl ask before sending a body over 1 MiB and, when no `100 Continue` comes, wait a full second
/// before sending it anyway: every department batch of some size would start with a one-second stall (the bench
/// measured 1.43 s instead of 0.35 s per 1,000-record batch). Hummingbird does not answer the expectation itself.
/// Authentication still happens on the full request; a client refused afterwards just has sent its body for nothing.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(var request) = unwrapInboundIn(data), request.headerFields[.expect]?.lowercased() == "100-continue" {
            request.headerFields[.expect] = nil
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            context.fireChannelRead(wrapInboundOut(.head(request)))
            return
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }
}
