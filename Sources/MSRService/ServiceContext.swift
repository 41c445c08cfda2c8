import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// What the service knows about a request as it passes the middleware: the client's address,
/// and who signed in (by bearer token or session cookie).
public struct ServiceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address (`local` when the transport has none, as in router tests).
    public var client: String
    /// The signed-in user, when any.
    public var user: User?
    /// The browser session the user came with (absent for API tokens).
    public var session: BrowserSession?
    /// Whether the session (when the user came by one) may change something through the JSON
    /// API: the request only reads, or repeats the session's CSRF token in `X-CSRF-Token`.
    /// Another site's form can send the cookie (a SameSite cookie goes along from a sibling
    /// subdomain, which is the same site) but cannot read the token from the pages to repeat it;
    /// the pages' own forms carry it in a field, checked by the page (`CSRF.check`).
    public var sessionMayChange = false
    /// Who signed in, seen by the outer middleware too (each middleware holds its own copy of
    /// the context, so the request log reads the name here, by reference).
    let signedIn = SignedIn()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// The path parameter `name`, percent-decoded (`%66rank` is `frank`, `spotify%3Atrack%3A...`
    /// a URI); as sent when it does not decode, empty when absent.
    func decodedParameter(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The JSON API's signed-in user, or 401; 403 for a session that may not change anything
    /// (`sessionMayChange`) asking to.
    func requireUser() throws -> User {
        guard let user else { throw APIError.unauthorized }
        if session != nil, !sessionMayChange { throw APIError.csrfMissing }
        return user
    }

    /// The signed-in admin: 401 when anonymous, 403 for a user.
    func requireAdmin() throws -> User {
        let user = try requireUser()
        guard user.role == .admin else { throw APIError.forbidden }
        return user
    }
}

/// A browser session: the hash of its cookie (the database keeps no cookie) and its CSRF token.
public struct BrowserSession: Sendable {
    public var tokenHash: String
    public var csrf: String
}

/// The name of the user a request signed in as, shared by every copy of its context.
final class SignedIn: Sendable {
    private let name = Mutex<String?>(nil)

    var user: String? {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }
}
