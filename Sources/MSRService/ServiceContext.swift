import Foundation
import Hummingbird
import NIOCore

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

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// The signed-in user, or 401.
    func requireUser() throws -> User {
        guard let user else { throw APIError.unauthorized }
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
