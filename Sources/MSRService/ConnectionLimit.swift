import Glibc
import HummingbirdCore
import NIOCore
import Synchronization

/// How many connections the server holds at once, and how long an idle one may stay.
///
/// Every connection holds a file descriptor. Past the process's limit, nothing can open a file:
/// not SQLite, not the recommendations log, and not libdispatch, which reads `/proc` to watch its
/// threads and kills the process (SIGILL) when it cannot (2 x 10,000 held connections did, at a
/// limit of 20,000). So a connection over `maxConnections` (the limit less a reserve for the
/// rest) is closed as soon as it is accepted, and one that sends no request for
/// `idleTimeout` (a client that keeps it open, or sends its head a byte at a time) is closed.
public struct ConnectionLimit: Sendable {
    /// Connections held at once; more are closed at once.
    public var maxConnections: Int
    /// A connection with no request in flight for this long is closed.
    public var idleTimeout: TimeAmount
    /// A request's body must arrive within this time of its head (a body sent a byte at a time
    /// would hold its connection without end): past it, 408 and the connection closes.
    public var bodyTimeout: TimeAmount

    /// Descriptors kept for everything but connections (the database's files, the log, the
    /// models, the event loops, a retrain's pipes, libdispatch's reads of `/proc`).
    public static let reserved = 256

    /// The defaults: the descriptor limit less `reserved` (at least 1), 60 s idle, 30 s for a
    /// body (less than the idle time, which also ends a connection whose body never starts, but
    /// without an answer).
    public init(maxConnections: Int = Self.descriptorLimit() - Self.reserved, idleTimeout: TimeAmount = .seconds(60),
                bodyTimeout: TimeAmount = .seconds(30)) {
        self.maxConnections = Swift.max(1, maxConnections)
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
    }

    /// The process's soft limit of open descriptors.
    public static func descriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return Int.max / 2 }
        return Int(clamping: limit.rlim_cur)
    }

    /// The HTTP/1 server with these limits, and the answers given before the router
    /// (`EarlyAnswers`: `100 Continue` for bodies of at most `maxBody` bytes, a head that is not
    /// HTTP, each told to `report`).
    func server(maxBody: Int, report: @escaping @Sendable (APIError, _ client: String) -> Void) -> HTTPServerBuilder {
        let open = OpenConnections(limit: maxConnections)
        let bodyTimeout = bodyTimeout
        return .http1(configuration: .init(additionalChannelHandlers: [
            Guard(open: open), EarlyAnswers.Installer { EarlyAnswers(limit: maxBody, bodyTimeout: bodyTimeout, report: report) },
        ], idleTimeout: idleTimeout))
    }

    /// The count of open connections, shared by their guards.
    final class OpenConnections: Sendable {
        let limit: Int
        let count = Atomic<Int>(0)

        init(limit: Int) {
            self.limit = limit
        }
    }

    /// Counts its connection in while it is open; closes it when it would be one too many. An
    /// inbound handler (NIO takes no other kind) that passes every read on as it came, unread.
    final class Guard: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any
        let open: OpenConnections

        init(open: OpenConnections) {
            self.open = open
        }

        /// Whether this connection is one too many: closed once active, not before (the handler
        /// is added while the connection is set up, before it is registered with its event loop,
        /// and NIO's close then fails an assertion).
        private var over = false

        func handlerAdded(context: ChannelHandlerContext) {
            over = open.count.add(1, ordering: .relaxed).newValue > open.limit
        }

        func channelActive(context: ChannelHandlerContext) {
            guard !over else { return context.close(promise: nil) }
            context.fireChannelActive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            open.count.subtract(1, ordering: .relaxed)
        }
    }
}
