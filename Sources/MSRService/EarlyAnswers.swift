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
///   is not a request), after an answer given while its request's body is still coming (a 401
///   before reading it: Hummingbird would drain the rest, of any length) and after the answer
///   to a request that is the connection's last (`Connection: close`, HTTP/1.0 without
///   `keep-alive`, an upgrade or a CONNECT): nothing after it is read. It is
///   closed the way RFC 9112 §9.6 asks: the server's side first, once the answer is out; what
///   the client still sends is read and dropped until it closes its side or `lingering` passes
///   (a close with bytes unread sends a reset, which throws away an answer not yet sent).
/// - A body that has not arrived `bodyTimeout` after its head (a client sending it a byte at a
///   time, or not at all, holds a connection) fails the route reading it with 408
///   `request_timeout`.
/// - An HTTP/1.0 request asking to keep the connection gets `Connection: keep-alive` in its
///   answer (an HTTP/1.0 client takes an answer without it for the connection's last).
///
/// The answers given here are logged and counted as the router's are (`report`), under the
/// route `unreadable`.
///
/// It sits between NIO's HTTP/1 decoder and the conversion to HTTP types (`Installer` puts it
/// there), where it sees each request's version and raw headers, and the parser's errors first.
final class EarlyAnswers: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a connection being closed still reads, and drops, what the client sends after
    /// its last answer, so that a client still sending (a body over the limit) reads the answer
    /// instead of a reset (RFC 9112 §9.6): the server half-closes, then closes once the client
    /// does or this time has passed.
    static let lingering: TimeAmount = .seconds(2)

    /// The largest body a request may have (`ServiceState.maxBody`).
    let limit: Int
    /// How long a request's body may take to arrive after its head (`ConnectionLimit.bodyTimeout`).
    let bodyTimeout: TimeAmount
    /// Told of each answer given here (a 400 for a head that is not HTTP): the request log and metrics.
    let report: @Sendable (APIError, _ client: String) -> Void
    /// The requests whose head came and whose answer has not ended, in order: for each, whether
    /// it is HTTP/1.0 asking to keep the connection (its answer then says so, `Connection:
    /// keep-alive`, or the client waits for a close).
    private var unansweredKeepAlive: [Bool] = []
    /// How many requests have no answer yet.
    private var unanswered: Int { unansweredKeepAlive.count }
    /// Whether a request's head came and its end has not: its body is being read.
    private var reading = false
    /// Nothing more is read from the connection: it closes once its answers are written.
    private var refused = false
    /// The answer to give, and close after, once every earlier request has its answer.
    private var pending: APIError?
    /// Close once every request has its answer (an HTTP/1.0 request or one saying
    /// `Connection: close`, a broken or late body).
    private var closeWhenAnswered = false
    /// Close after the answer being written (a 413, an answer saying `Connection: close`).
    private var closeAfterThisAnswer = false
    /// Closed or closing: later writes (Hummingbird's answer to an error already answered) go nowhere.
    private var closing = false
    /// The end of the time the body being read has (`bodyTimeout`).
    private var bodyDeadline: Scheduled<Void>?
    /// When the head of the request being read came.
    private var headRead = NIODeadline.now()
    /// The client closed its side (it may still read): the connection closes once the answers are out.
    private var inputClosed = false
    /// The full close after `lingering`, once the server's side is closed.
    private var lingerTimer: Scheduled<Void>?

    init(limit: Int, bodyTimeout: TimeAmount, report: @escaping @Sendable (APIError, _ client: String) -> Void) {
        self.limit = limit
        self.bodyTimeout = bodyTimeout
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let problem = Self.hostProblem(head) {
                return refuse(APIError.unreadable(problem), context: context)
            }
            reading = true
            headRead = .now()
            let keepsAlive = Self.keepsAlive(head)
            // The request is the connection's last (RFC 9112 §9.3, §9.6).
            if !keepsAlive { closeWhenAnswered = true }
            unansweredKeepAlive.append(keepsAlive && !Self.isHTTP11(head.version))
            if unanswered == 1, Self.isHTTP11(head.version), Self.expectsContinue(head.headers, limit: limit) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
            // A new body's time (started when a read ends without it, which most never do).
            bodyDeadline?.cancel()
            bodyDeadline = nil
        case .body: break
        case .end:
            reading = false
            bodyDeadline?.cancel()
            bodyDeadline = nil
            // Nothing after the last request is one.
            if closeWhenAnswered { refused = true }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if reading, !refused, bodyDeadline == nil { startBodyDeadline(context: context) }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Reading had stopped: what came after is not looked at (the parser's error, or the
        // decoder's at each read after one), and the connection lingers as it closes.
        if refused, error is HTTPParserError || error is ByteToMessageDecoderError { return }
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        if reading {
            // A body: the route reading it answers the 400; the connection ends after the answer.
            stopReading()
            guard unanswered == 0 else { return context.fireErrorCaught(error) }
            // The route answered without reading it: no second answer.
            return linger(context: context)
        }
        refuse(APIError.unreadable(error), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            inputClosed = true
        case ChannelEvent.outputClosed where closing:
            // This handler's close: Hummingbird, told, would end its writer, and its next write
            // (its bare 400 after a body's error) would throw and close the connection at once.
            return
        default: break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyDeadline?.cancel()
        lingerTimer?.cancel()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            // Dropped: a failed write would make Hummingbird close the connection at once.
            promise?.succeed(())
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if head.status == .payloadTooLarge || (unanswered == 1 && ((closeWhenAnswered && pending == nil) || reading)) {
                // After a 413 the body is not read: what follows it on the connection is not a
                // request. A body still coming as its request is answered (a 401 before reading
                // it) is not read to its end either: whatever its length, Hummingbird would
                // drain it (66 GB in 30 s, measured), whatever `max_body_kb` says.
                head.headers.replaceOrAdd(name: "Connection", value: "close")
                closeAfterThisAnswer = true
                return context.write(wrapOutboundOut(.head(head)), promise: promise)
            }
            if head.headers.contains(name: "Connection") {
                if Self.tokens(head.headers["Connection"]).contains("close") { closeAfterThisAnswer = true }
            } else if unansweredKeepAlive.first == true {
                head.headers.add(name: "Connection", value: "keep-alive")
                return context.write(wrapOutboundOut(.head(head)), promise: promise)
            }
        case .end:
            if !unansweredKeepAlive.isEmpty { unansweredKeepAlive.removeFirst() }
            if closeAfterThisAnswer || (unanswered == 0 && pending == nil && closeWhenAnswered) {
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.cascade(to: promise)
                context.writeAndFlush(data, promise: written)
                return linger(context: context, after: written.futureResult)
            }
            if unanswered == 0, let pending {
                context.write(data, promise: promise)
                return answer(pending, context: context)
            }
        case .body: break
        }
        context.write(data, promise: promise)
    }

    /// Reads nothing more, answers `error` once every earlier request has its answer, and closes.
    private func refuse(_ error: APIError, context: ChannelHandlerContext) {
        stopReading()
        if unanswered == 0 { answer(error, context: context) } else { pending = error }
    }

    /// Reads nothing more from the connection, which closes once its answers are written.
    private func stopReading() {
        refused = true
        closeWhenAnswered = true
        bodyDeadline?.cancel()
        bodyDeadline = nil
    }

    /// Gives the body of the request being read `bodyTimeout` to arrive; past it, the route
    /// reading it fails with a 408 and the connection closes after the answer.
    private func startBodyDeadline(context: ChannelHandlerContext) {
        bodyDeadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: headRead + bodyTimeout) { [self] in
            bodyDeadline = nil
            guard reading, !refused else { return }
            // Its request answered already (a 401 before reading it): no second answer.
            if unanswered == 0 { return linger(context: context) }
            stopReading()
            let nanoseconds = bodyTimeout.nanoseconds
            let time = nanoseconds % 1_000_000_000 == 0 ? "\(nanoseconds / 1_000_000_000) s" : "\(nanoseconds / 1_000_000) ms"
            context.fireErrorCaught(APIError(.requestTimeout, "request_timeout",
                                             "the request's body did not arrive within \(time) of its head"))
        }
    }

    /// Writes `error` as the API's JSON answer and closes the connection.
    private func answer(_ error: APIError, context: ChannelHandlerContext) {
        pending = nil
        // The connection closed under a head cut short (the parser's error at its end): no one to answer.
        guard context.channel.isActive else {
            closing = true
            return context.close(promise: nil)
        }
        report(error, context.channel.remoteAddress?.ipAddress ?? "local")
        var bytes: [UInt8] = []
        error.json.compact(into: &bytes)
        let body = JSONResponse.body(bytes)
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: error.status.code),
                                    headers: ["Content-Type": JSONResponse.contentType, "Content-Length": String(body.readableBytes),
                                              "Connection": "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        linger(context: context, after: written.futureResult)
    }

    /// Closes the connection: nothing more is written or read; the server's side closes once
    /// `written` (the last answer's end) is out, and the whole connection when the client closes
    /// its side (at once if it has) or `lingering` after.
    private func linger(context: ChannelHandlerContext, after written: EventLoopFuture<Void>? = nil) {
        stopReading()
        closing = true
        pending = nil
        guard let written else { return shut(context.channel, loop: context.eventLoop) }
        let channel = context.channel, loop = context.eventLoop
        written.assumeIsolated().whenComplete { [self] _ in shut(channel, loop: loop) }
    }

    /// `linger`'s close, once the answers are written. It runs at most once a connection: `linger`
    /// stops reading and sets `closing`, and each of its callers runs only while one of the two
    /// is not yet done.
    private func shut(_ channel: any Channel, loop: any EventLoop) {
        // A client that closed its side reads the answers, not more: closing the server's side
        // then closes the whole connection, which would drop what is not yet written.
        guard !inputClosed else { return channel.close(promise: nil) }
        // The time to linger counts from when the answers are out of the process (a slow
        // reader's, queued, are not cut off by it).
        let closed = loop.makePromise(of: Void.self)
        closed.futureResult.assumeIsolated().whenComplete { [self] _ in
            guard channel.isActive else { return }
            lingerTimer = loop.scheduleTask(in: Self.lingering) { channel.close(promise: nil) }
        }
        channel.close(mode: .output, promise: closed)
    }

    /// Whether the client may send another request after this one (RFC 9112 §9.3): HTTP/1.1
    /// unless `Connection` names `close`, HTTP/1.0 only when it names `keep-alive` (and not
    /// `close`). NIO's `isKeepAlive` missed `close` followed by a tab.
    ///
    /// After an upgrade request (`Upgrade` with `Connection: upgrade`, as `curl --http2` sends
    /// for h2c) or a CONNECT, NIO's parser reads nothing more: the connection closes after its
    /// answer too (a next request on it went unanswered until the idle timeout).
    static func keepsAlive(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return false }
        guard head.headers.contains(name: "Connection") else { return isHTTP11(head.version) }
        let tokens = tokens(head.headers["Connection"])
        if tokens.contains("close") || (tokens.contains("upgrade") && head.headers.contains(name: "Upgrade")) { return false }
        return isHTTP11(head.version) || tokens.contains("keep-alive")
    }

    /// The tokens of a list header's lines (`a, B` and `c` are `a`, `b`, `c`), without the
    /// spaces and tabs around them, in lower case.
    static func tokens(_ lines: [String]) -> [String] {
        lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Whether a request is HTTP/1.1 or later (NIO's parser reads 1.0 and 1.1).
    static func isHTTP11(_ version: HTTPVersion) -> Bool {
        version.major > 1 || (version.major == 1 && version.minor >= 1)
    }

    /// What is wrong with a head's `Host`: HTTP/1.1 needs exactly one (RFC 9112 §3.2), and any
    /// version at most one.
    static func hostProblem(_ head: HTTPRequestHead) -> String? {
        var hosts = 0
        for (name, _) in head.headers where name.utf8.count == 4 && name.lowercased() == "host" { hosts += 1 }
        if hosts > 1 { return "\(hosts) Host headers (expected one)" }
        if hosts == 0, isHTTP11(head.version) { return "no Host header (an HTTP/1.1 request needs one)" }
        return nil
    }

    /// Whether the headers ask for `100 Continue` (every element of every `Expect` line the
    /// token `100-continue`, in any case) with a body the limit allows (or of a length not given:
    /// chunked, stopped at the limit).
    static func expectsContinue(_ headers: HTTPHeaders, limit: Int) -> Bool {
        guard headers.contains(name: "Expect") else { return false }
        let expectations = tokens(headers["Expect"])
        guard !expectations.isEmpty, expectations.allSatisfy({ $0 == "100-continue" }) else { return false }
        guard let length = headers["Content-Length"].first else { return true }
        return UInt64(length.trimmingCharacters(in: .whitespaces)).map { $0 <= UInt64(limit) } ?? false
    }

    /// Put in Hummingbird's `additionalChannelHandlers` (which come after the conversion to HTTP
    /// types): puts an `EarlyAnswers` before the conversion, and takes itself out.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any
        let make: @Sendable () -> EarlyAnswers

        init(_ make: @escaping @Sendable () -> EarlyAnswers) {
            self.make = make
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else {
                preconditionFailure("Hummingbird's HTTP/1 pipeline has no HTTP1ToHTTPServerCodec")
            }
            try? pipeline.addHandler(make(), position: .before(codec))
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
