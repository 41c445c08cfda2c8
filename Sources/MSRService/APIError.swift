import Foundation
import Hummingbird
import MSRCore
import NIOHTTP1

/// An error a client gets as `{"error": {"code", "message", "field"}}` with its HTTP status.
///
/// `code` is a stable machine-readable word (`invalid_field`, `unauthorized`, ...), `message`
/// one line for a person, `field` the request field or JSON path at fault when there is one.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds until a refused request may be retried (429), sent as Retry-After.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    /// The body clients read.
    public var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        error["field"] = field.map(JSONValue.string) ?? .null
        return .object(["error": .object(error)])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(json, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized, request.headers[.authorization] != nil || request.uri.path.hasPrefix("/v1/") {
            response.headers[.wwwAuthenticate] = "Bearer realm=\"msr\""
        }
        return response
    }

    // The errors every route shares.

    /// 400: the body or a field is not what was expected.
    public static func invalid(_ field: String?, _ message: String) -> APIError {
        APIError(.badRequest, "invalid_request", message, field: field)
    }

    /// 422: well-formed, but a value is refused (a bad playlist, a parameter out of range).
    public static func unprocessable(_ field: String?, _ message: String) -> APIError {
        APIError(.unprocessableContent, "invalid_field", message, field: field)
    }

    /// 400: the client's bytes are not HTTP (a bad chunk size, a body cut short, a head over the
    /// limit or with a character headers may not hold): NIO's description of what it met.
    static func unreadable(_ error: HTTPParserError) -> APIError {
        unreadable(error.debugDescription)
    }

    /// 400: the request could not be read, for the reason `what`.
    static func unreadable(_ what: String) -> APIError {
        APIError(.badRequest, "bad_request", "the request could not be read: \(what)")
    }

    public static let unauthorized = APIError(.unauthorized, "unauthorized", "sign in first: a bearer token (POST /v1/token) or a session")
    public static let forbidden = APIError(.forbidden, "forbidden", "this needs the admin role")
    public static let csrfMissing = APIError(.forbidden, "csrf_failed", "a request that changes something, signed in by the session "
                                             + "cookie, needs the session's CSRF token in X-CSRF-Token (or send a bearer token: "
                                             + "POST /v1/token)", field: "X-CSRF-Token")
    public static let notFound = APIError(.notFound, "not_found", "no such resource")

    /// 429 with the seconds to wait.
    public static func tooManyRequests(_ what: String, retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "too many \(what): retry in \(retryAfter) s", retryAfter: retryAfter)
    }

    /// The API error for an MSRCore error met while serving a request.
    static func from(_ error: MSRError, field prefix: String) -> APIError {
        switch error.kind {
        case .badData:
            let field = error.field.map { $0.isEmpty ? prefix : ($0.hasPrefix("[") ? prefix + $0 : prefix + "." + $0) } ?? prefix
            return unprocessable(field, error.message)
        case .busy:
            return APIError(.conflict, "busy", error.message)
        default:
            return APIError(.serviceUnavailable, "unavailable", error.message)
        }
    }
}

/// JSON responses from MSRCore's `JSONValue`, compact, UTF-8.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        value.compact(into: &bytes)
        return make(bytes: bytes, status: status)
    }

    /// A response of JSON already serialised (compact), with its closing newline added.
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: body(bytes)))
    }

    /// The content type of every JSON answer.
    static let contentType = "application/json; charset=utf-8"

    /// A JSON answer's body: the serialised JSON and its closing newline.
    static func body(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
