import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MSRCore
import NIOCore

/// What every page response carries: a Content-Security-Policy that lets the page load its
/// stylesheet from this service and nothing else (no script at all, no frame, forms posting
/// only here), no MIME sniffing, no Referer sent on, and no caching.
enum PageHeaders {
    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    static func apply(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.cacheControl] = "no-store"
    }
}

/// Page responses.
enum PageResponse {
    /// An HTML page.
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: page.text)))
    }

    /// 303 See Other: the browser GETs `location` (after a form, or to the sign-in page).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// CSRF protection of the forms. Signed-in forms carry the session's token (kept with the
/// session in the database) in a hidden field. The sign-in and registration forms exist before
/// any session: they use a double-submit token, a random `msr_csrf` cookie (HttpOnly,
/// SameSite=Strict) repeated in a hidden field. Missing or different: 403, nothing done.
enum CSRF {
    /// The hidden field's name.
    static let field = "csrf"
    /// The pre-session cookie.
    static let cookieName = "msr_csrf"
    /// The header a JSON API request that changes something repeats its session's token in when
    /// it signs in by the session cookie (as Django REST framework asks of a session), as the
    /// forms do in their field (`ServiceContext.sessionMayChange`).
    static let header = HTTPField.Name("X-CSRF-Token")!

    /// The refusal.
    struct Refused: Error {}

    /// The browser's pre-session token when it has a well-formed one, else a new one that the
    /// response must set (`cookie`).
    static func anonymousToken(_ request: Request) -> (token: String, isNew: Bool) {
        if let value = request.cookies[cookieName]?.value, isWellFormed(value) { return (value, false) }
        return (Sessions.randomToken(), true)
    }

    static func cookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A form sent before sign-in: its field must equal the browser's cookie.
    static func checkAnonymous(_ form: PageForm, request: Request) throws {
        guard let cookie = request.cookies[cookieName]?.value, isWellFormed(cookie), let sent = form.fields[field],
              Sessions.same(sent, cookie) else { throw Refused() }
    }

    /// A signed-in form: its field must equal the session's token.
    static func check(_ form: PageForm, session: BrowserSession) throws {
        guard let sent = form.fields[field], Sessions.same(sent, session.csrf) else { throw Refused() }
    }

    /// 64 hex digits, as `Sessions.randomToken` makes them.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}

/// A page that needs a signed-in browser was asked for without one: 303 to the sign-in page.
struct SignInFirst: Error {}

extension ServiceContext {
    /// Who a page is for.
    var viewer: Viewer { Viewer(user: session == nil ? nil : user, session: session) }

    /// The signed-in browser's user and session; anonymous (or a bearer token, which is no
    /// browser session) is sent to the sign-in page.
    func pageUser() throws -> (user: User, session: BrowserSession) {
        guard let user, let session else { throw SignInFirst() }
        return (user, session)
    }

    /// The signed-in admin: anonymous to the sign-in page, a user 403.
    func pageAdmin() throws -> (user: User, session: BrowserSession) {
        let (user, session) = try pageUser()
        guard user.role == .admin else { throw APIError(.forbidden, "forbidden", "this page is for admins") }
        return (user, session)
    }
}

/// The pages' middleware: every response gets the security headers, and every error becomes a
/// page saying what went wrong with its status (a JSON body is for the API): anonymous on a
/// signed-in page is 303 to the sign-in page, a refused CSRF token 403, a body over the limit
/// 413, a malformed form 400, a refused value 422, a limit 429 with Retry-After.
struct PageMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errorPage(error, request: request, context: context)
        }
        PageHeaders.apply(to: &response.headers)
        return response
    }

    func errorPage(_ error: any Error, request: Request, context: Context) -> Response {
        let viewer = context.viewer
        switch error {
        case is SignInFirst:
            return PageResponse.redirect("/")
        case is CSRF.Refused:
            return PageResponse.html(PageLayout.message("Refused", "The form's security token is missing or wrong: reload the page and send the form again.",
                                                        viewer: viewer, back: ("/", "Back")), status: .forbidden)
        case let error as APIError:
            var response = PageResponse.html(PageLayout.message(Self.title(error.status), PageLayout.fieldMessage(error.message, field: error.field),
                                                                viewer: viewer), status: error.status)
            if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        case let error as HTTPError:
            let message = error.status == .contentTooLarge ? "The request is larger than the limit (serve.limits.max_body_kb)."
                : (error.body ?? error.status.reasonPhrase)
            return PageResponse.html(PageLayout.message(Self.title(error.status), message, viewer: viewer), status: error.status)
        case is NIOTooManyBytesError:
            return errorPage(HTTPError(.contentTooLarge), request: request, context: context)
        case let error as MSRError:
            return errorPage(APIError.from(error, field: ""), request: request, context: context)
        default:
            logger.error("unexpected error", metadata: ["request_id": .string(context.id), "error": .string(String(describing: error))])
            return PageResponse.html(PageLayout.message("Internal error", "Something went wrong (request \(context.id)).", viewer: viewer),
                                     status: .internalServerError)
        }
    }

    static func title(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: return "Bad request"
        case .unauthorized: return "Not signed in"
        case .forbidden: return "Forbidden"
        case .notFound: return "Not found"
        case .conflict: return "Conflict"
        case .contentTooLarge: return "Too large"
        case .unprocessableContent: return "Refused"
        case .tooManyRequests: return "Too many requests"
        case .serviceUnavailable: return "Unavailable"
        default: return status.reasonPhrase
        }
    }
}
