import Foundation
@testable import MSRService
import XCTest

/// The answers given before the router (`EarlyAnswers`), on a live server and raw sockets: a
/// client that waits for `100 Continue` before its body (curl, for an upload) gets it at once; a
/// body over the limit gets its 413 without one; a head that is not HTTP gets the JSON 400; and
/// none of them comes ahead of an earlier request's answer.
final class EarlyAnswersTests: XCTestCase {
    /// A registration's body and the head announcing it (`expect`: the Expect line, or none).
    static func registration(_ name: String, expect: String?, length: Int? = nil) -> (head: String, body: String) {
        let body = #"{"username":"\#(name)","password":"Sturdy-Pass-2026"}"#
        let head = "POST /v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length ?? body.utf8.count)\r\n" + (expect.map { "Expect: \($0)\r\n" } ?? "") + "\r\n"
        return (head, body)
    }

    /// A live server and one connection to it, for `body`.
    static func connected(_ body: @escaping @Sendable (Int32) async throws -> Void) async throws {
        try await ConnectionLimitTests.live(ConnectionLimit()) { port in
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
            Self.send(socket, Self.registration("ivan", expect: "100-continue", length: 1024 * 1024 + 1).head)
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
}
