import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MSRCore
import XCTest

/// A response read as JSON.
struct JSONReply {
    var status: HTTPTypes.HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    var json: JSONValue

    /// A member of the body by a dotted path (`error.field`, `recommendations.0.uri`).
    subscript(_ path: String) -> JSONValue? {
        var value: JSONValue? = json
        for part in path.split(separator: ".") {
            switch value {
            case .object(let members)?: value = members[String(part)]
            case .array(let items)?: value = Int(part).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return value
    }

    func string(_ path: String) -> String? {
        if case .string(let text)? = self[path] { return text }
        return nil
    }

    func count(_ path: String) -> Int? {
        if case .array(let items)? = self[path] { return items.count }
        return nil
    }
}

extension TestClientProtocol {
    /// Sends `body` (JSON text, or raw bytes) with an optional bearer token.
    func call(_ method: HTTPTypes.HTTPRequest.Method, _ uri: String, _ body: String? = nil, token: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> JSONReply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        return JSONReply(status: response.status, headers: response.headers, text: text,
                         json: (try? JSONParser.parse(Array(text.utf8))) ?? .null)
    }

    /// Registers a user (a password that passes the policy) and returns a token.
    func signUp(_ name: String, password: String = "Good-pass-123") async throws -> String {
        let made = try await call(.post, "/v1/users", #"{"username": "\#(name)", "password": "\#(password)"}"#)
        XCTAssertEqual(made.status, .created, made.text)
        return try await signIn(name, password: password)
    }

    /// A token for a user.
    func signIn(_ name: String, password: String = "Good-pass-123") async throws -> String {
        let reply = try await call(.post, "/v1/token", #"{"username": "\#(name)", "password": "\#(password)"}"#)
        XCTAssertEqual(reply.status, .ok, reply.text)
        return reply.string("token") ?? ""
    }
}

/// Asserts a JSON error: status, code and field.
func XCTAssertError(_ reply: JSONReply, _ status: HTTPTypes.HTTPResponse.Status, code: String, field: String? = nil,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(reply.status, status, reply.text, file: file, line: line)
    XCTAssertEqual(reply.string("error.code"), code, reply.text, file: file, line: line)
    if let field { XCTAssertEqual(reply.string("error.field"), field, reply.text, file: file, line: line) }
    XCTAssertNotNil(reply.string("error.message"), reply.text, file: file, line: line)
}
