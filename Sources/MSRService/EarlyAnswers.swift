import Foundation
import MSRCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// What the server answers on a connection itself, before or after the router, so that a client
/// always reads one answer a request, in order:
///
/// - `Expect: 100-continue` gets `100 Continue`, so that a client which waits for it before
///   sending its body (curl does for an upload, `curl -T`) sends it at once instead of after its
///   own timeout (curl's: one second, on every such request). Not when the head's
///   `Content-Length` is over the body limit (the route answers 413 without the body), not to
///   HTTP/1.0 (RFC 9110 §10.1.1), and not while an earlier request of the connection is still
///   unanswered (the 100 would arrive before that request's own answer, and be taken for it).
/// - A head that is not HTTP (a header over NIO's 80 KB limit, a NUL or a space in a header's
///   name, two `Content-Length`s), or an HTTP/1.1 head without one `Host` (RFC 9112 §3.2), gets
///   the API's JSON error, 400 `bad_request`, once every earlier request has its answer, and the
///   connection is closed (Hummingbird's own answer had no body, and came ahead of or after
///   another). An error in a body goes on to the route, whose middleware answers the same
///   (`APIError.unreadable`); after the request's answer the connection is closed, also when
///   the route answered without reading the body (a 401), with no second answer.
/// - The connection is closed after a 413 (its body is not read: what follows on the connection
///   is not a request) and after answering an HTTP/1.0 request that did not ask to keep it.
///
/// It sits between NIO's HTTP/1 decoder and the conversion to HTTP types (`Installer` puts it
/// there), where it sees each request's version and raw headers, and the parser's errors first.
final class EarlyAnswers: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The largest body a request may have (`ServiceState.maxBody`).
    let limit: Int
    /// Requests whose head came and whose answer has not ended.
    private var unanswered = 0
    /// Whether a request's head came and its end has not: its body is being read.
    private var reading = false
    /// Nothing more is read from the connection: it closes once its answers are written.
    private var refused = false
    /// The answer to give, and close after, once every earlier request has its answer.
    private var pending: APIError?
    /// Close once every request has its answer (a 413, an HTTP/1.0 request, a broken body).
    private var closeWhenAnswered = false
    /// Closed or closing: later writes (Hummingbird's answer to an error already answered) go nowhere.
    private var closing = false

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let problem = Self.hostProblem(head) {
                return refuse(APIError.unreadable(problem), context: context)
            }
            unanswered += 1
            reading = true
            if !Self.isHTTP11(head.version) && !head.isKeepAlive { closeWhenAnswered = true }
            if unanswered == 1, Self.isHTTP11(head.version), Self.expectsContinue(head.headers, limit: limit) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
        case .body: break
        case .end: reading = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        if reading {
            // A body: the route reading it answers the 400; the connection ends after the answer.
            closeWhenAnswered = true
            guard unanswered == 0 else { return context.fireErrorCaught(error) }
            closing = true
            return context.close(promise: nil)
        }
        refuse(APIError.unreadable(error), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        var part = unwrapOutboundIn(data)
        switch part {
        case .head(var head) where head.status == .payloadTooLarge:
            closeWhenAnswered = true
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            part = .head(head)
        case .end:
            unanswered = max(0, unanswered - 1)
        default: break
        }
        guard case .end = part, unanswered == 0, pending != nil || closeWhenAnswered else {
            return context.write(wrapOutboundOut(part), promise: promise)
        }
        if let pending {
            context.write(wrapOutboundOut(part), promise: promise)
            answer(pending, context: context)
        } else {
            closeAfter(part, promise: promise, context: context)
        }
    }

    /// Reads nothing more, answers `error` once every earlier request has its answer, and closes.
    private func refuse(_ error: APIError, context: ChannelHandlerContext) {
        refused = true
        if unanswered == 0 { answer(error, context: context) } else { pending = error }
    }

    /// Writes `error` as the API's JSON answer and closes the connection.
    private func answer(_ error: APIError, context: ChannelHandlerContext) {
        pending = nil
        var bytes: [UInt8] = []
        error.json.compact(into: &bytes)
        let body = JSONResponse.body(bytes)
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: error.status.code),
                                    headers: ["Content-Type": JSONResponse.contentType, "Content-Length": String(body.readableBytes),
                                              "Connection": "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        closeAfter(.end(nil), promise: nil, context: context)
    }

    /// Writes `part` (an answer's end) and flushes, then closes the connection once it is out;
    /// nothing is written after it.
    private func closeAfter(_ part: HTTPServerResponsePart, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        closing = true
        let channel = context.channel
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { result in
            promise?.completeWith(result)
            channel.close(promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(part), promise: written)
    }

    /// Whether a request is HTTP/1.1 or later (NIO's parser reads 1.0 and 1.1).
    static func isHTTP11(_ version: HTTPVersion) -> Bool {
        version.major > 1 || (version.major == 1 && version.minor >= 1)
    }

    /// What is wrong with a head's `Host`: HTTP/1.1 needs exactly one (RFC 9112 §3.2), and any
    /// version at most one.
    static func hostProblem(_ head: HTTPRequestHead) -> String? {
        let hosts = head.headers["Host"].count
        if hosts > 1 { return "\(hosts) Host headers (expected one)" }
        if hosts == 0, isHTTP11(head.version) { return "no Host header (an HTTP/1.1 request needs one)" }
        return nil
    }

    /// Whether the headers ask for `100 Continue` (every element of every `Expect` line the
    /// token `100-continue`, in any case) with a body the limit allows (or of a length not given:
    /// chunked, stopped at the limit).
    static func expectsContinue(_ headers: HTTPHeaders, limit: Int) -> Bool {
        let expectations = headers["Expect"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !expectations.isEmpty, expectations.allSatisfy({ $0 == "100-continue" }) else { return false }
        guard let length = headers["Content-Length"].first else { return true }
        return UInt64(length.trimmingCharacters(in: .whitespaces)).map { $0 <= UInt64(limit) } ?? false
    }

    /// Put in Hummingbird's `additionalChannelHandlers` (which come after the conversion to HTTP
    /// types): puts an `EarlyAnswers` before the conversion, and takes itself out.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any
        let limit: Int

        init(limit: Int) {
            self.limit = limit
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else {
                preconditionFailure("Hummingbird's HTTP/1 pipeline has no HTTP1ToHTTPServerCodec")
            }
            try? pipeline.addHandler(EarlyAnswers(limit: limit), position: .before(codec))
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
