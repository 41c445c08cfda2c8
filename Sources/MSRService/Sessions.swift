import Crypto
import Foundation
import Hummingbird
import MSRCore

/// Browser sessions: a random cookie (`msr_session`: HttpOnly, SameSite=Strict, Path=/, Secure
/// behind https) whose SHA-256 the database keeps with the user and a CSRF token; idle ones
/// end after `serve.session_idle_minutes`, and logout deletes the row.
enum Sessions {
    static let cookieName = "msr_session"

    /// 32 random bytes as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
        }.joined()
    }

    /// What the database keeps of a cookie value.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }

    /// The session cookie; `maxAge: 0` clears it.
    static func cookie(_ value: String, secure: Bool, maxAge: Int? = nil) -> Cookie {
        Cookie(name: cookieName, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the request came over https (directly or through a proxy that says so).
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme?.rawValue == "https" || request.headers[.init("X-Forwarded-Proto")!] == "https"
    }

    /// Compares two tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// Resolves who signed in: a bearer token (a bad or expired one is a 401 at once), else the
/// session cookie. Routes then require a user or an admin (`ServiceContext.requireUser`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let state: ServiceState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            guard Self.isBearer(authorization) else {
                throw APIError(.unauthorized, "unauthorized", "expected an Authorization header of the form: Bearer TOKEN", field: "Authorization")
            }
            let token = Self.bearerToken(authorization)
            guard let id = await state.tokens.userID(from: token), let user = try await state.database.user(id: id) else {
                throw APIError(.unauthorized, "invalid_token", "the bearer token is invalid or expired: get a new one (POST /v1/token)",
                               field: "Authorization")
            }
            context.user = user
        } else if let cookie = request.cookies[Sessions.cookieName]?.value, cookie.utf8.count == 64 {
            let hash = Sessions.hash(cookie)
            if let (user, csrf) = try await state.database.session(tokenHash: hash, idle: state.sessionIdle) {
                context.user = user
                context.session = BrowserSession(tokenHash: hash, csrf: csrf)
                context.sessionMayChange = Self.isSafe(request.method)
                    || (request.headers[CSRF.header].map { Sessions.same($0, csrf) } ?? false)
            }
        }
        context.signedIn.user = context.user?.name
        return try await next(request, context)
    }

    /// Whether `method` only reads (what a session cookie alone may ask of the JSON API).
    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        [.get, .head, .options].contains(method)
    }

    /// Whether an `Authorization` value is `Bearer` (in any case) and a space or a tab, then more.
    static func isBearer(_ authorization: String) -> Bool {
        let bytes = authorization.utf8
        guard bytes.count > 7, String(Substring(bytes.prefix(6))).lowercased() == "bearer" else { return false }
        let separator = bytes[bytes.index(bytes.startIndex, offsetBy: 6)]
        return separator == UInt8(ascii: " ") || separator == UInt8(ascii: "\t")
    }

    /// The token of an `Authorization: Bearer TOKEN` value (its first 7 bytes, the scheme and a
    /// space or tab, checked by the caller): what follows them, without the spaces and tabs around it
    /// (`trimmingBlanks`: HTTP's optional white space; any other character stays and fails the
    /// token's check). Not Foundation's `trimmingCharacters`, which bridged through NSString at
    /// every request (4% of a recommendation's CPU).
    static func bearerToken(_ authorization: String) -> String {
        String(Substring(authorization.utf8.dropFirst(7)).trimmingBlanks())
    }
}
