import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import MSRCore
@testable import MSRService
import XCTest

/// Health, readiness, metrics, the OpenAPI file, body limits, unknown routes, headers.
final class OperationsTests: XCTestCase {
    func testHealthReadinessMetricsAndOpenAPI() async throws {
        try await ServiceFixture().test { _, client in
            let awaited1 = try await client.call(.get, "/healthz").text
            XCTAssertEqual(awaited1, "{\"status\":\"ok\"}\n")
            let ready = try await client.call(.get, "/readyz")
            XCTAssertEqual(ready.string("status"), "ready")
            XCTAssertEqual(ready["songs"], .int(10674), "every song of the base")
            _ = try await client.call(.get, "/nowhere")
            let metrics = try await client.call(.get, "/metrics")
            XCTAssertTrue(metrics.text.contains(#"msr_http_requests_total{route="/readyz",method="GET",status="200"} 1"#), metrics.text)
            XCTAssertTrue(metrics.text.contains(#"msr_http_requests_total{route="NotFound",method="GET",status="404"} 1"#), metrics.text)
            XCTAssertTrue(metrics.text.contains("msr_http_request_duration_seconds_bucket{"), metrics.text)
            XCTAssertTrue(metrics.text.contains(#"msr_model_info{version=""#), metrics.text)
            let openapi = try await client.call(.get, "/openapi.yaml")
            XCTAssertEqual(openapi.headers[.contentType], "application/yaml; charset=utf-8")
            XCTAssertTrue(openapi.text.hasPrefix("openapi: 3.1.0"))
            // HEAD answers as GET, without a body; a page too.
            for uri in ["/healthz", "/openapi.yaml", "/", "/register", "/static/msr.css"] {
                let get = try await client.call(.get, uri)
                let head = try await client.call(.head, uri)
                XCTAssertEqual(head.status, .ok, uri)
                XCTAssertEqual(head.text, "", uri)
                XCTAssertEqual(head.headers[.contentType], get.headers[.contentType], uri)
            }
            let awaited2 = try await client.call(.head, "/nowhere").status
            XCTAssertEqual(awaited2, .notFound)
        }
    }

    func testErrorsAreJSONWithARequestID() async throws {
        let fixture = try ServiceFixture(limits: ["max_body_kb": 1])
        try await fixture.test { _, client in
            let missing = try await client.call(.get, "/v1/nothing")
            XCTAssertError(missing, .notFound, code: "not_found")
            XCTAssertNotNil(missing.headers[HTTPField.Name("X-Request-Id")!])
            // A known path asked with another method: 405 naming the methods it answers.
            let allowed: [(HTTPRequest.Method, String, String)] = [
                (.put, "/healthz", "GET, HEAD"), (.post, "/healthz", "GET, HEAD"), (.get, "/v1/token", "POST"),
                (.delete, "/v1/recommendations", "GET, HEAD, POST"), (.patch, "/v1/admin/users/bob", "DELETE"),
                (.get, "/v1/admin/users/bob/unlock", "POST"), (.put, "/recommend", "GET, HEAD, POST"),
                (.options, "/v1/admin/params", "GET, HEAD, PUT"),
            ]
            for (method, path, methods) in allowed {
                let reply = try await client.call(method, path)
                XCTAssertError(reply, .methodNotAllowed, code: "method_not_allowed")
                XCTAssertEqual(reply.headers[.allow], methods, "\(method) \(path)")
                XCTAssertEqual(reply.string("error.message"), "\"\(method.rawValue)\" is not a method of this path: expected \(methods)")
            }
            XCTAssertError(try await client.call(.put, "/v1/admin/users/bob/nothing"), .notFound, code: "not_found")
            let big = try await client.call(.post, "/v1/users", "{\"username\": \"" + String(repeating: "a", count: 2000) + "\"}")
            XCTAssertError(big, .contentTooLarge, code: "body_too_large")
        }
    }

    func testTheAddressLimitAnswers429() async throws {
        let fixture = try ServiceFixture(limits: ["requests_per_minute": 3])
        try await fixture.test { _, client in
            for _ in 0..<3 {
                let status = try await client.call(.get, "/v1/recommendations").status
                XCTAssertEqual(status, .unauthorized)
            }
            let refused = try await client.call(.get, "/v1/recommendations")
            XCTAssertError(refused, .tooManyRequests, code: "rate_limited")
            XCTAssertNotNil(refused.headers[.retryAfter])
            // The probes are not limited (an orchestrator would take the service for dead).
            for uri in ["/healthz", "/readyz", "/metrics", "/healthz"] {
                let status = try await client.call(.get, uri).status
                XCTAssertEqual(status, .ok, uri)
            }
            XCTAssertError(try await client.call(.get, "/openapi.yaml"), .tooManyRequests, code: "rate_limited")
        }
    }

    func testLoginsPerAddressAreLimited() async throws {
        let fixture = try ServiceFixture(limits: ["logins_per_minute": 2])
        try await fixture.test { _, client in
            for _ in 0..<2 {
                XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "x", "password": "y"}"#), .unauthorized,
                               code: "invalid_credentials")
            }
            XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "x", "password": "y"}"#), .tooManyRequests,
                           code: "rate_limited")
        }
    }

    func testEachRequestIsOneLogLineWithTheSignedInUser() async throws {
        let lines = LogLines()
        let fixture = try ServiceFixture()
        let state = try await fixture.state(logger: Logger(label: "test") { _ in lines })
        try await Application(router: state.router()).test(.router) { client in
            let token = try await client.signUp("olga")
            _ = try await client.call(.get, "/v1/recommendations?page=1", token: token)
        }
        let requests = lines.events.filter { $0.message == "request" }
        XCTAssertEqual(requests.map { $0.metadata["route"] ?? "" }, ["/v1/users", "/v1/token", "/v1/recommendations"])
        XCTAssertEqual(requests.map { $0.metadata["user"] ?? "" }, ["-", "-", "olga"])
        XCTAssertEqual(requests.map { $0.metadata["status"] ?? "" }, ["201", "200", "200"])
        XCTAssertEqual(Set(requests.compactMap { $0.metadata["request_id"] }).count, 3)
        for request in requests {
            XCTAssertNotNil(request.metadata["ms"]?.wholeMatch(of: /[0-9]+\.[0-9]{3}/), request.metadata["ms"] ?? "no ms")
        }
    }

    /// A log line is the compact JSON of its members: the event's metadata over the handler's,
    /// over `time`, `level` and `message`; keys sorted, text escaped.
    func testALogLineIsItsMembersCompactJSON() throws {
        let event = LogEvent(level: .warning, message: "odd \"line\"\n", metadata: ["b": "2", "user": "é\u{1}", "level": "mine"],
                             source: nil, file: "", function: "", line: 0)
        let line = JSONLogHandler.line(event, metadata: ["user": "handler's", "a": "1", "time": "never"], time: "2026-12-02T20:00:00Z")
        let expected: [String: JSONValue] = ["time": .string("never"), "level": .string("mine"), "message": .string("odd \"line\"\n"),
                                             "a": .string("1"), "b": .string("2"), "user": .string("é\u{1}")]
        XCTAssertEqual(String(decoding: line, as: UTF8.self), JSONValue.object(expected).compact() + "\n")
        let plain = LogEvent(level: .info, message: "request", metadata: nil, source: nil, file: "", function: "", line: 0)
        XCTAssertEqual(String(decoding: JSONLogHandler.line(plain, metadata: [:], time: "t"), as: UTF8.self),
                       #"{"level":"info","message":"request","time":"t"}"# + "\n")
    }

    func testTheLoggedMillisecondsHaveThreeDecimals() {
        XCTAssertEqual(RequestLogMiddleware.milliseconds(.zero), "0.000")
        XCTAssertEqual(RequestLogMiddleware.milliseconds(.microseconds(1_500)), "1.500")
        XCTAssertEqual(RequestLogMiddleware.milliseconds(.microseconds(12_345_678)), "12345.678")
        XCTAssertEqual(RequestLogMiddleware.milliseconds(.nanoseconds(7_999)), "0.007")
        XCTAssertEqual(RequestLogMiddleware.milliseconds(.seconds(2) + .microseconds(40)), "2000.040")
    }
}

/// A log handler keeping every event's message and metadata.
final class LogLines: LogHandler, @unchecked Sendable {
    struct Event {
        var message: String
        var metadata: [String: String]
    }
    private let stored = Mutex<[Event]>([])
    var events: [Event] { stored.withLock { $0 } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let values = (event.metadata ?? [:]).mapValues { $0.description }
        stored.withLock { $0.append(Event(message: event.message.description, metadata: values)) }
    }
}
