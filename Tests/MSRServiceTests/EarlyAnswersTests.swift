import Foundation
@testable import MSRService
import XCTest

/// The answers given before the router (`EarlyAnswers`), on a live server and raw sockets: a
/// client that waits for `100 Continue` before its body (curl, for an upload) gets it at once; a
/// body over the limit gets its 413 without one; a head that is not HTTP gets the JSON 400; and
/// none of them comes ahead of an earlier request's answer.
final class EarlyAnswersTests: XCTestCase {
    /// A registration's body and the head announcing it (`expect`: the Expect line, or none).
    static func registration(_ name: String, expect: String?, length: String? = nil) -> (head: String, body: String) {
        let body = #"{"username":"\#(name)","password":"Sturdy-Pass-2026"}"#
        let head = "POST /v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length ?? String(body.utf8.count))\r\n" + (expect.map { "Expect: \($0)\r\n" } ?? "") + "\r\n"
        return (head, body)
    }

    /// A live server (with `limit`) and one connection to it, for `body`.
    static func connected(_ limit: ConnectionLimit = ConnectionLimit(), _ body: @escaping @Sendable (Int32) async throws -> Void) async throws {
        try await ConnectionLimitTests.live(limit) { port in
            let socket = try ConnectionLimitTests.connect(port)
            defer { close(socket) }
            try await body(socket)
        }
    }

    static func send(_ socket: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        XCTAssertEqual(Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)), bytes.count)
    }

    /// What arrives on `socket` until `until` is among it or `seconds` pass with nothing more.
    static func receive(_ socket: Int32, until: String, seconds: Int = 5) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var answer = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: answer, as: UTF8.self).contains(until), case let count = recv(socket, &buffer, buffer.count, 0),
              count > 0 {
            answer += buffer[..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    func testAHeadExpectingContinueGetsItThenItsAnswer() async throws {
        try await Self.connected { socket in
            // The token is case-insensitive.
            for (name, expect) in [("erin", "100-continue"), ("fred", "100-Continue")] {
                let (head, body) = Self.registration(name, expect: expect)
                Self.send(socket, head)
                XCTAssertEqual(Self.receive(socket, until: "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n")
                Self.send(socket, body)
                let answer = Self.receive(socket, until: #""role":"user"}"#)
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 201 Created\r\n"), answer)
                XCTAssertTrue(answer.contains(#""name":"\#(name)""#), answer)
            }
        }
    }

    func testNoContinueWithoutTheExpectationOrForABodyOverTheLimit() async throws {
        try await ConnectionLimitTests.live(ConnectionLimit()) { port in
            // Without Expect (or with another expectation): the answer alone.
            for (name, expect) in [("gina", nil), ("hugo", "something-else")] as [(String, String?)] {
                let socket = try ConnectionLimitTests.connect(port)
                defer { close(socket) }
                let (head, body) = Self.registration(name, expect: expect)
                Self.send(socket, head + body)
                let answer = Self.receive(socket, until: #""role":"user"}"#)
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 201 Created\r\n"), answer)
            }
            // Over the limit (1 MB): 413 at once, no body sent and no 100 before it.
            let socket = try ConnectionLimitTests.connect(port)
            defer { close(socket) }
            Self.send(socket, Self.registration("ivan", expect: "100-continue", length: "1048577").head)
            let answer = Self.receive(socket, until: "body_too_large")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 413 "), answer)
            XCTAssertTrue(answer.contains("body_too_large"), answer)
        }
    }

    func testNoContinueAheadOfAnEarlierRequestsAnswer() async throws {
        try await Self.connected { socket in
            // Two requests in one write: the second's 100 would come before the first's answer.
            let (head, body) = Self.registration("jane", expect: "100-continue")
            Self.send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n" + head)
            let first = Self.receive(socket, until: #"{"status":"ok"}"#)
            XCTAssertTrue(first.hasPrefix("HTTP/1.1 200 OK\r\n"), first)
            XCTAssertFalse(first.contains("100 Continue"), first)
            Self.send(socket, body)
            let second = Self.receive(socket, until: #""role":"user"}"#)
            XCTAssertTrue(second.hasPrefix("HTTP/1.1 201 Created\r\n"), second)
        }
    }

    func testAHeadThatIsNotHTTPGetsTheJSON400AndTheConnectionCloses() async throws {
        try await ConnectionLimitTests.live(ConnectionLimit()) { port in
            let heads = [
                ("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n",
                 "too many header bytes seen; overflow detected"),
                ("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-N\u{0}l: 1\r\n\r\n", "invalid character in header"),
                ("POST /v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                 "unexpected content-length header"),
            ]
            for (head, message) in heads {
                let socket = try ConnectionLimitTests.connect(port)
                defer { close(socket) }
                Self.send(socket, head)
                let answer = Self.receive(socket, until: "\u{0}")  // everything, until the server closes
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), answer)
                XCTAssertTrue(answer.lowercased().contains("\r\nconnection: close\r\n"), answer)
                XCTAssertTrue(answer.hasSuffix(#"{"error":{"code":"bad_request","field":null,"message":"the request could not be "#
                                               + #"read: \#(message)"}}"# + "\n"), answer)
            }
        }
    }

    func testABadHeadBehindAnUnansweredRequestWaitsForItsAnswer() async throws {
        try await Self.connected { socket in
            Self.send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nX-N\u{0}l: 1\r\n\r\n")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer)
            XCTAssertTrue(answer.contains("{\"status\":\"ok\"}\nHTTP/1.1 400 Bad Request\r\n"), answer)
            XCTAssertTrue(answer.hasSuffix(#""message":"the request could not be read: invalid character in header"}}"# + "\n"), answer)
        }
    }

    func testABadBodyAfterItsRequestsAnswerClosesTheConnectionWithoutASecond() async throws {
        try await Self.connected { socket in
            // No token: 401 before the body is read; then a chunk size that is no number.
            Self.send(socket, "POST /v1/recommendations HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
            let answer = Self.receive(socket, until: "}}\n")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), answer)
            XCTAssertTrue(answer.hasSuffix("}}\n"), answer)
            Self.send(socket, "zz\r\n{}\r\n0\r\n\r\n")
            XCTAssertEqual(Self.receive(socket, until: "\u{0}"), "")  // closed, nothing more
        }
    }

    /// A route that answers without reading the body (405, 401), whose body turns out not to be
    /// HTTP in the same packet: one answer, then the connection closes (Hummingbird sent its own
    /// bare 400 after it).
    func testABadBodyInTheSamePacketAsItsHeadGetsOneAnswer() async throws {
        for (head, status) in [("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "405 Method Not Allowed"),
                               ("POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "401 Unauthorized"),
                               ("POST /healthz HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n",
                                "100 Continue\r\n\r\nHTTP/1.1 405 Method Not Allowed")] {
            try await Self.connected { socket in
                Self.send(socket, head + "zz\r\n{}\r\n0\r\n\r\n")
                let answer = Self.receive(socket, until: "\u{0}")
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 \(status)\r\n"), answer)
                XCTAssertEqual(answer.components(separatedBy: "HTTP/1.1 ").count - 1, status.hasPrefix("100") ? 2 : 1, answer)
            }
        }
    }

    /// A 413 for the declared length ends the connection: the body is not read, so what follows
    /// is not a request (a next request on it went unanswered, read as body). A length beyond
    /// Int (up to 2^64 - 1, which NIO takes) is over the limit too.
    func testA413ForTheDeclaredLengthClosesTheConnection() async throws {
        for length in ["1048577", "18446744073709551615"] {
            try await Self.connected { socket in
                Self.send(socket, Self.registration("kate", expect: "100-continue", length: length).head)
                let answer = Self.receive(socket, until: "\u{0}")
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 413 "), answer)
                XCTAssertTrue(answer.lowercased().contains("\r\nconnection: close\r\n"), answer)
                XCTAssertTrue(answer.hasSuffix("}}\n"), "closed after the 413: \(answer)")
            }
        }
    }

    /// Expect as several lines or a list of the same token: 100. HTTP/1.0: none (RFC 9110
    /// §10.1.1), and the connection closes after the answer unless the request asked to keep it.
    func testExpectationListsAndHTTP10() async throws {
        try await Self.connected { socket in
            let (head, body) = Self.registration("lena", expect: "100-continue, 100-Continue")
            Self.send(socket, head.replacingOccurrences(of: "\r\n\r\n", with: "\r\nExpect: 100-continue\r\n\r\n"))
            XCTAssertEqual(Self.receive(socket, until: "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n")
            Self.send(socket, body)
            XCTAssertTrue(Self.receive(socket, until: #""role":"user"}"#).hasPrefix("HTTP/1.1 201 Created\r\n"))
        }
        try await Self.connected { socket in
            Self.send(socket, "GET /healthz HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
            XCTAssertEqual(Self.receive(socket, until: "\u{0}").components(separatedBy: "\r\n").first, "HTTP/1.1 200 OK")
        }
        try await Self.connected { socket in
            Self.send(socket, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n")
            let both = Self.receive(socket, until: "\u{0}")
            XCTAssertEqual(both.components(separatedBy: "HTTP/1.1 200 OK").count - 1, 2, both)
            // The first answer says the connection stays (an HTTP/1.0 client closes otherwise), the second that it closes.
            let answers = both.components(separatedBy: "HTTP/1.1 200 OK").dropFirst().map { $0.lowercased() }
            XCTAssertTrue(answers.first?.contains("\r\nconnection: keep-alive\r\n") == true, both)
            XCTAssertTrue(answers.last?.contains("\r\nconnection: close\r\n") == true, both)
        }
    }

    /// HTTP/1.1 needs one Host (RFC 9112 §3.2): none or two is the JSON 400; HTTP/1.0 may go without.
    func testAnHTTP11HeadWithoutOneHostIs400() async throws {
        for (head, message) in [("GET /healthz HTTP/1.1\r\n\r\n", "no Host header (an HTTP/1.1 request needs one)"),
                                ("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "2 Host headers (expected one)"),
                                ("GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", "2 Host headers (expected one)")] {
            try await Self.connected { socket in
                Self.send(socket, head)
                let answer = Self.receive(socket, until: "\u{0}")
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), answer)
                XCTAssertTrue(answer.hasSuffix(#""message":"the request could not be read: \#(message)"}}"# + "\n"), answer)
            }
        }
    }

    /// A client still sending a body after its 413 (it did not wait for 100 Continue) reads
    /// the answer and may go on sending: the server half-closes and drains before closing (RFC
    /// 9112 §9.6), where a close with the body unread sent a reset, which throws away what the
    /// server had not sent yet and fails the client's next send.
    func testAClientStillSendingAfterA413ReadsIt() async throws {
        try await Self.connected { socket in
            Self.send(socket, "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8000000\r\n\r\n")
            let chunk = [UInt8](repeating: 0x20, count: 65_536)
            for _ in 0..<64 {
                guard Glibc.send(socket, chunk, chunk.count, Int32(MSG_NOSIGNAL)) > 0 else { break }
            }
            let answer = Self.receive(socket, until: "\u{0}")  // until the server closes its side
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 413 "), answer)
            XCTAssertTrue(answer.hasSuffix(#""code":"body_too_large","field":null,"message":"the request body is larger than the "#
                                           + #"limit (serve.limits.max_body_kb)"}}"# + "\n"), answer)
            // The server still reads (and drops) what comes: no reset, which would fail a send.
            try await Self.assertStillRead(socket, chunks: 16, of: 65_536)
        }
    }

    /// A request saying `Connection: close` (in any case, as HTTP tokens are, in a list, a tab
    /// after it) is the
    /// connection's last: what follows it gets no answer, neither a pipelined request (it was
    /// served after `Close`) nor a broken head (its 400 came after the answer).
    func testNothingIsAnsweredAfterARequestSayingConnectionClose() async throws {
        for (after, close) in [("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "Close"), ("GET /healthz HTTP/1.1\r\nX-N\u{0}l: 1\r\n\r\n", "close"),
                               ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "keep-alive ,\tClose\t")] {
            try await Self.connected { socket in
                Self.send(socket, "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: \(close)\r\n\r\n" + after)
                let answer = Self.receive(socket, until: "\u{0}")
                XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer)
                XCTAssertEqual(answer.components(separatedBy: "HTTP/1.1 ").count - 1, 1, answer)
                XCTAssertFalse(answer.contains(#"{"status":"ok"}"#), "/healthz was answered: \(answer)")
            }
        }
    }

    /// A head refused for its Host whose chunked body is broken too: one 400.
    func testARefusedHeadWithABrokenBodyGetsOneAnswer() async throws {
        try await Self.connected { socket in
            Self.send(socket, "POST /v1/users HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), answer)
            XCTAssertEqual(answer.components(separatedBy: "HTTP/1.1 400 ").count - 1, 1, answer)
        }
    }

    /// A body that does not arrive within `bodyTimeout` of its head (sent a byte at a time, or
    /// never) gets 408 and the connection closes.
    func testABodyTooSlowGets408() async throws {
        try await Self.connected(ConnectionLimit(bodyTimeout: .milliseconds(400))) { socket in
            Self.send(socket, "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            Self.send(socket, "{\"user")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), answer)
            XCTAssertTrue(answer.lowercased().contains("\r\nconnection: close\r\n"), answer)
            XCTAssertTrue(answer.hasSuffix(#"{"error":{"code":"request_timeout","field":null,"message":"the request's body did not "#
                                           + #"arrive within 400 ms of its head"}}"# + "\n"), answer)
        }
    }

    /// A body that never starts gets the 408 too (the idle timeout, longer, closed it without an answer).
    func testABodyThatNeverStartsGets408() async throws {
        try await Self.connected(ConnectionLimit(idleTimeout: .milliseconds(600), bodyTimeout: .milliseconds(400))) { socket in
            Self.send(socket, "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), answer)
        }
    }

    /// A client still sending after the 400 for a head that is not HTTP reads it and may go on
    /// sending for a while (the decoder's error at each read after its first closed the connection).
    func testAClientStillSendingAfterAnUnreadableHeadIsNotReset() async throws {
        try await Self.connected { socket in
            Self.send(socket, "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Length: 100\r\n\r\n{")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), answer)
            try await Self.assertStillRead(socket, chunks: 16, of: 65_536)
        }
    }

    /// The 400 for a head that is not HTTP is counted in `/metrics` like any answer.
    func testAnUnreadableHeadIsCounted() async throws {
        try await ConnectionLimitTests.live(ConnectionLimit()) { port in
            let socket = try ConnectionLimitTests.connect(port)
            defer { close(socket) }
            Self.send(socket, "GET /healthz HTTP/1.1\r\n\r\n")
            XCTAssertTrue(Self.receive(socket, until: "\u{0}").hasPrefix("HTTP/1.1 400 "))
            let metrics = try ConnectionLimitTests.connect(port)
            defer { close(metrics) }
            Self.send(metrics, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = Self.receive(metrics, until: "\u{0}")
            XCTAssertTrue(text.contains(#"msr_http_requests_total{route="unreadable",method="-",status="400"} 1"#), text)
        }
    }

    /// Sends `chunks` chunks of `size` bytes, 20 ms apart, each of which the server must take
    /// (a closing connection still reads and drops: a reset would fail a send).
    static func assertStillRead(_ socket: Int32, chunks: Int, of size: Int) async throws {
        let chunk = [UInt8](repeating: 0x20, count: size)
        var sent = 0
        for _ in 0..<chunks {
            guard Glibc.send(socket, chunk, chunk.count, Int32(MSG_NOSIGNAL)) == chunk.count else { break }
            sent += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertEqual(sent, chunks, String(cString: strerror(errno)))
    }

    /// A client that sends its last request and closes its side, then reads slowly, gets the
    /// whole answer: the close waits for what is not yet written (closing the server's side of
    /// a connection the client half-closed closes all of it, which dropped the rest).
    func testAHalfClosedClientGetsItsWholeAnswer() async throws {
        try await ConnectionLimitTests.live(ConnectionLimit()) { port in
            let socket = try ConnectionLimitTests.connect(port, receiveBuffer: 2048)
            defer { close(socket) }
            Self.send(socket, "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            shutdown(socket, Int32(SHUT_WR))
            try await Task.sleep(for: .milliseconds(300))
            let answer = Self.receive(socket, until: "\u{0}")
            let parts = answer.components(separatedBy: "\r\n\r\n")
            let length = parts.first?.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), String(answer.prefix(200)))
            XCTAssertEqual(parts.dropFirst().joined(separator: "\r\n\r\n").utf8.count, try XCTUnwrap(length))
        }
    }

    /// An upgrade request (h2c, as `curl --http2` asks) is the connection's last: NIO reads
    /// nothing after it, so the next request went unanswered until the idle timeout.
    func testAnUpgradeRequestIsTheConnectionsLast() async throws {
        try await Self.connected { socket in
            Self.send(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                      + "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = Self.receive(socket, until: "\u{0}", seconds: 5)
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer)
            XCTAssertTrue(answer.lowercased().contains("\r\nconnection: close\r\n"), answer)
            XCTAssertEqual(answer.components(separatedBy: "HTTP/1.1 200").count - 1, 1, answer)
        }
    }

    /// A head cut short when the idle timeout closes its connection is not answered (the
    /// connection is gone), so not logged or counted as a 400.
    func testAHeadCutShortByTheIdleTimeoutIsNotCounted() async throws {
        try await ConnectionLimitTests.live(ConnectionLimit(idleTimeout: .milliseconds(300))) { port in
            let socket = try ConnectionLimitTests.connect(port)
            defer { close(socket) }
            Self.send(socket, "GET / HT")
            XCTAssertEqual(Self.receive(socket, until: "\u{0}"), "")  // closed without an answer
            let metrics = try ConnectionLimitTests.connect(port)
            defer { close(metrics) }
            Self.send(metrics, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = Self.receive(metrics, until: "\u{0}")
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK\r\n"), text)
            XCTAssertFalse(text.contains(#"route="unreadable""#), text)
        }
    }

    /// A body still coming after its request was answered without reading it (a 401) is not
    /// answered again at the deadline: the connection closes as the others, lingering.
    func testTheBodyDeadlineAfterTheAnswerClosesWithoutASecond() async throws {
        try await Self.connected(ConnectionLimit(bodyTimeout: .milliseconds(300))) { socket in
            Self.send(socket, "POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
            try await Task.sleep(for: .milliseconds(50))
            Self.send(socket, "\"")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), answer)
            XCTAssertEqual(answer.components(separatedBy: "HTTP/1.1 ").count - 1, 1, answer)
            // Lingering: the body's rest may still be sent for a while.
            try await Self.assertStillRead(socket, chunks: 8, of: 8192)
        }
    }

    /// A request answered while its body is still coming (401 before reading it) is the
    /// connection's last: the rest of a body of any declared length was read and dropped for as
    /// long as the client sent it (66 GB in 30 s), whatever the body limit.
    func testAnAnswerGivenWhileTheBodyIsComingClosesTheConnection() async throws {
        try await Self.connected { socket in
            Self.send(socket, "POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{")
            let answer = Self.receive(socket, until: "\u{0}")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), answer)
            XCTAssertTrue(answer.lowercased().contains("\r\nconnection: close\r\n"), answer)
        }
    }
}
