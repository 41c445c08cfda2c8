import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue`, so that a client which waits for it before
/// sending its body (curl does for an upload, `curl -T`) sends it at once instead of after its own
/// timeout (curl's: one second, on every such request).
///
/// Not when the head's `Content-Length` is over the body limit (the route answers 413 without
/// the body), nor while an earlier request of the connection is still unanswered: an interim
/// answer there would arrive before that request's own, and be taken for it. The client then
/// sends its body after its timeout, as it would without this handler.
final class ExpectContinue: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The largest body a request may have (`ServiceState.maxBody`).
    let limit: Int
    /// Requests whose head came and whose answer has not ended.
    private var unanswered = 0

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            unanswered += 1
            if unanswered == 1, Self.expectsContinue(request, limit: limit) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    /// Whether `request` asks for `100 Continue` (the expectation's token is case-insensitive)
    /// with a body the limit allows (or of a length not given: chunked, stopped at the limit).
    static func expectsContinue(_ request: HTTPRequest, limit: Int) -> Bool {
        guard let expect = request.headerFields[.expect], expect.lowercased() == "100-continue" else { return false }
        guard let length = request.headerFields[.contentLength] else { return true }
        return Int(length).map { $0 <= limit } ?? false
    }
}
