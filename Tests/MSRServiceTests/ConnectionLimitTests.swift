import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MSRService
import NIOCore
import XCTest

/// The server's connection limit and idle timeout (`ConnectionLimit`), on a live server and raw
/// sockets: connections past the limit are closed at once and the held ones still served; a
/// connection that sends nothing, or a request head that never ends, is closed when idle.
final class ConnectionLimitTests: XCTestCase {
    /// A live server over a fresh fixture with `limit`; `body` gets its port.
    static func live(_ limit: ConnectionLimit, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let fixture = try ServiceFixture()
        var options = ServiceState.Options()
        options.configFile = fixture.config
        options.paramsFile = fixture.params
        options.binaries = ServiceFixture.binaries
        options.port = 0
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let state = try await ServiceState(options, logger: logger)
        try await state.application(limit: limit).test(.live) { client in
            // The test client's own connection, made and counted before the test's.
            let health = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(health.status, .ok)
            try await body(try XCTUnwrap(client.port))
        }
    }

    /// A TCP connection to 127.0.0.1:`port`; with `receiveBuffer`, that small a receive buffer
    /// (set before connecting, so that the window is that small: a slow reader).
    static func connect(_ port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard socket >= 0, status == 0 else { throw POSIXError(.ECONNREFUSED) }
        return socket
    }

    /// The sockets the server has closed (readable, reading 0 bytes) within `seconds`, waiting
    /// until `expected` of them are or the time is up.
    static func closed(_ sockets: [Int32], expected: Int, within seconds: Double) -> Set<Int32> {
        var found = Set<Int32>()
        let end = Date().addingTimeInterval(seconds)
        while found.count < expected && Date() < end {
            var polls = sockets.filter { !found.contains($0) }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), 100) > 0 else { continue }
            for p in polls where p.revents != 0 {
                var byte: UInt8 = 0
                if recv(p.fd, &byte, 1, 0) <= 0 { found.insert(p.fd) }
            }
        }
        return found
    }

    /// Sends GET /healthz on `socket` and returns the answer's first line ("" when closed).
    static func health(_ socket: Int32) -> String {
        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        guard send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return "" }
        var buffer = [UInt8](repeating: 0, count: 512)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let count = recv(socket, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? "" : ""
    }

    func testConnectionsPastTheLimitAreClosedAtOnceAndTheHeldOnesServed() async throws {
        try await Self.live(ConnectionLimit(maxConnections: 4)) { port in
            // The client holds one: three more are held, the other seven closed.
            let sockets = try (0..<10).map { _ in try Self.connect(port) }
            // Each closed once: the server runs in this process, so a descriptor closed twice may
            // by then be a connection it accepted (NIO then traps on EBADF).
            var open = Set(sockets)
            defer { for socket in open { close(socket) } }
            let closed = Self.closed(sockets, expected: 7, within: 10)
            XCTAssertEqual(closed.count, 7)
            // Which three: those set up first, on either event loop.
            let held = sockets.filter { !closed.contains($0) }
            XCTAssertEqual(held.count, 3)
            for socket in held { XCTAssertEqual(Self.health(socket), "HTTP/1.1 200 OK") }
            // Closed ones free their places: a new connection is served once one of the held goes.
            close(held[0])
            open.remove(held[0])
            var answer = ""
            for _ in 0..<50 where answer.isEmpty {
                let socket = try Self.connect(port)
                answer = Self.health(socket)
                close(socket)
                if answer.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            XCTAssertEqual(answer, "HTTP/1.1 200 OK")
        }
    }

    func testAnIdleConnectionAndAHeadThatNeverEndsAreClosed() async throws {
        try await Self.live(ConnectionLimit(maxConnections: 100, idleTimeout: .milliseconds(300))) { port in
            let silent = try Self.connect(port), slow = try Self.connect(port)
            defer { close(silent); close(slow) }
            let head = Array("GET /healthz HTTP/1.1\r\nHost: local".utf8)
            XCTAssertEqual(send(slow, head, head.count, Int32(MSG_NOSIGNAL)), head.count)
            XCTAssertEqual(Self.closed([silent, slow], expected: 2, within: 10).count, 2)
            // A connection that asks is answered, then closed when idle in turn.
            let asking = try Self.connect(port)
            defer { close(asking) }
            XCTAssertEqual(Self.health(asking), "HTTP/1.1 200 OK")
            XCTAssertEqual(Self.closed([asking], expected: 1, within: 10).count, 1)
        }
    }
}
