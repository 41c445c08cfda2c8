import HTTPTypes
import MSRCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// What the server answers on a connection before a request reaches the router, and only while
/// every earlier request of the connection has had its answer (one written then would arrive
/// before that request's own, and be taken for it):
///
/// - `Expect: 100-continue` gets `100 Continue`, so that a client which waits for it before
///   sending its body (curl does for an upload, `curl -T`) sends it at once instead of after its
///   own timeout (curl's: one second, on every such request). Not when the head's
///   `Content-Length` is over the body limit: the route answers 413 without the body.
/// - A head that is not HTTP (a header over NIO's 80 KB limit, a NUL or a space in a header's
///   name, two `Content-Length`s, a `Content-Length` beside chunked) gets the API's JSON error,
///   400 `bad_request`, and the connection is closed (Hummingbird's own answer has no body).
///   An error in a body goes on to the router's middleware, which answers the same; in the body
///   of a request answered already (a 401 sent without reading it), the connection is closed.
///   Either way, a client reads one answer a request.
final class EarlyAnswers: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The largest body a request may have (`ServiceState.maxBody`).
    let limit: Int
    /// Requests whose head came and whose answer has not ended.
    private var unanswered = 0
    /// Whether a request's head came and its end has not: its body is being read.
    private var reading = false

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            unanswered += 1
            reading = true
            if unanswered == 1, Self.expectsContinue(request, limit: limit) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        case .body: break
        case .end: reading = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError, unanswered == 0 else { return context.fireErrorCaught(error) }
        // The body of a request answered already (without reading it): nothing to answer.
        if reading { return context.close(promise: nil) }
        var bytes: [UInt8] = []
        APIError.unreadable(error).json.compact(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        let head = HTTPResponse(status: .badRequest, headerFields: [.contentType: "application/json; charset=utf-8",
                                                                    .contentLength: String(bytes.count), .connection: "close"])
        unanswered = 1  // nothing more is answered here: the connection closes
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// Whether `request` asks for `100 Continue` (the expectation's token is case-insensitive)
    /// with a body the limit allows (or of a length not given: chunked, stopped at the limit).
    static func expectsContinue(_ request: HTTPTypes.HTTPRequest, limit: Int) -> Bool {
        guard let expect = request.headerFields[.expect], expect.lowercased() == "100-continue" else { return false }
        guard let length = request.headerFields[.contentLength] else { return true }
        return Int(length).map { $0 <= limit } ?? false
    }
}
