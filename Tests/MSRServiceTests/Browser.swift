import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MSRCore
import XCTest

/// A browser over the router test client: it keeps the cookies the service sets (and drops the
/// ones it clears), and sends forms as a browser does.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    /// The cookies it sends, by name.
    var cookies: [String: String] = [:]
    /// Headers sent with every request (`X-Forwarded-Proto: https`).
    var extraHeaders: HTTPFields = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// A response as the tests read it.
    struct Page {
        var status: HTTPTypes.HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        var location: String? { headers[.location] }
        /// Every Set-Cookie line.
        var setCookies: [String] { headers[values: .setCookie] }

        /// The Set-Cookie line of cookie `name`.
        func setCookie(_ name: String) -> String? {
            setCookies.first { $0.hasPrefix("\(name)=") }
        }

        /// The value of the first hidden `csrf` field.
        var csrf: String? { Browser.hiddenValue("csrf", in: text) }

        /// How many times `text` occurs.
        func count(_ piece: String) -> Int {
            text.components(separatedBy: piece).count - 1
        }
    }

    static func hiddenValue(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = text[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Sends a request with the kept cookies, and keeps what the response sets.
    func send(_ method: HTTPTypes.HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil) async throws -> Page {
        var all = extraHeaders
        for field in headers { all.append(field) }
        if !cookies.isEmpty { all[.cookie] = cookies.keys.sorted().map { "\($0)=\(cookies[$0]!)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: method, headers: all, body: body.map { ByteBuffer(bytes: $0) })
        let page = Page(status: response.status, headers: response.headers, text: String(buffer: response.body))
        for line in page.setCookies {
            let first = line.split(separator: ";", maxSplits: 1)[0]
            let pair = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if line.lowercased().contains("max-age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    func get(_ uri: String) async throws -> Page {
        try await send(.get, uri)
    }

    /// Posts an urlencoded form.
    func post(_ uri: String, _ fields: [(String, String)]) async throws -> Page {
        try await send(.post, uri, headers: [.contentType: "application/x-www-form-urlencoded"], body: Array(Self.encode(fields).utf8))
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// One part of a multipart form: a field, or a file when `filename` is given.
    struct Part {
        var name: String
        var value: [UInt8]
        var filename: String?

        static func field(_ name: String, _ value: String) -> Part { Part(name: name, value: Array(value.utf8)) }
        static func file(_ name: String, _ filename: String, _ content: String) -> Part {
            Part(name: name, value: Array(content.utf8), filename: filename)
        }
    }

    static let boundary = "----msrFormBoundary7MA4YWxkTrZu0gW"

    /// A multipart body as a browser writes it.
    static func multipart(_ parts: [Part], boundary: String = boundary) -> [UInt8] {
        var body: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"\r\nContent-Type: application/json" }
            head += "\r\n\r\n"
            body += Array(head.utf8) + part.value + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }

    /// Posts a multipart form.
    func post(_ uri: String, multipart parts: [Part]) async throws -> Page {
        try await send(.post, uri, headers: [.contentType: "multipart/form-data; boundary=\(Self.boundary)"], body: Self.multipart(parts))
    }

    /// Registers by the form.
    @discardableResult
    func register(_ name: String, password: String = "Good-pass-123") async throws -> Page {
        let form = try await get("/register")
        return try await post("/register", [("csrf", form.csrf ?? ""), ("username", name), ("password", password), ("confirm", password)])
    }

    /// Signs in by the form.
    @discardableResult
    func signIn(_ name: String, password: String = "Good-pass-123") async throws -> Page {
        let form = try await get("/")
        return try await post("/", [("csrf", form.csrf ?? ""), ("username", name), ("password", password)])
    }

    /// Registers and signs in; the sign-in must succeed.
    func signUp(_ name: String, password: String = "Good-pass-123", file: StaticString = #filePath, line: UInt = #line) async throws {
        let made = try await register(name, password: password)
        XCTAssertEqual(made.status, .seeOther, made.text, file: file, line: line)
        let signed = try await signIn(name, password: password)
        XCTAssertEqual(signed.location, "/recommend", signed.text, file: file, line: line)
    }

    /// The session's CSRF token, read off a signed-in page.
    func sessionCSRF() async throws -> String {
        try await get("/recommend").csrf ?? ""
    }
}

/// The security headers every page response carries.
func XCTAssertPageHeaders(_ page: Browser.Page, file: StaticString = #filePath, line: UInt = #line) {
    let policy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    XCTAssertEqual(page.headers[.contentSecurityPolicy], policy, file: file, line: line)
    XCTAssertEqual(page.headers[.init("X-Content-Type-Options")!], "nosniff", file: file, line: line)
    XCTAssertEqual(page.headers[.init("Referrer-Policy")!], "no-referrer", file: file, line: line)
    XCTAssertEqual(page.headers[.cacheControl], "no-store", file: file, line: line)
}

/// Unwraps an optional an async expression gives.
func XCTUnwrapAsync<T>(_ expression: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let value = try await expression()
    return try XCTUnwrap(value, file: file, line: line)
}
