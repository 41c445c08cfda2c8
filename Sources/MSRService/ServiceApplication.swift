import Foundation
import Hummingbird
import Logging
import MSRCore

extension ServiceState {
    /// The router with every route and middleware: what `application()` serves and what the
    /// tests drive through HummingbirdTesting.
    public func router() -> Router<ServiceContext> {
        // HEAD answers as GET does, without the body (a monitor or a link checker asks with HEAD).
        let router = Router(context: ServiceContext.self, options: .autoGenerateHeadEndpoints)
        let methods = RouteMethods()
        router.add(middleware: RequestLogMiddleware(metrics: metrics, logger: logger, routeMethods: methods))
        router.add(middleware: AddressLimitMiddleware(limiter: addressLimiter))
        router.add(middleware: AuthenticationMiddleware(state: self))
        OperationsRoutes(state: self).add(to: router)
        APIRoutes(state: self).add(to: router)
        AdminRoutes(state: self).add(to: router)
        PageRoutes(state: self).add(to: router)
        methods.fill(from: router.routes)
        return router
    }

    /// The HTTP server on `address`, holding at most `limit`'s connections, stopping gracefully
    /// (in-flight requests finish) on SIGTERM and SIGINT when run with `runService()`.
    public func application(limit: ConnectionLimit = ConnectionLimit(),
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let (host, port) = address
        let (metrics, logger) = (metrics, logger)
        return Application(
            router: router(),
            server: limit.server(maxBody: maxBody) { error, client in
                RequestLogMiddleware.unread(error, client: client, metrics: metrics, logger: logger)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "msr-serve"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// Making the first admin (`msr-serve create-admin NAME`), with only the config and the
/// database: no models are needed.
public enum AdminSetup {
    /// Creates the admin account; the password must pass the policy. Returns a line to print.
    public static func createAdmin(configFile: String, name: String, password: String) async throws -> String {
        let config = try ProjectConfig.load(path: configFile)
        if let problem = Credentials.problem(username: name) { throw MSRError(.badData, "user name '\(name)': \(problem)") }
        if let problem = Credentials.problem(password: password, username: name) { throw MSRError(.badData, "password: \(problem)") }
        let database = try ServiceDatabase(path: config.serve.database)
        let hash = try await Credentials.hash(password)
        guard try await database.createUser(name: name, passwordHash: hash, role: .admin) != nil else {
            throw MSRError(.badData, "user name '\(name)': already taken (promote it from the admin area, or pick another)")
        }
        try await database.audit(actor: name, action: "create_admin", detail: "from the command line")
        return "admin '\(name)' created in \(config.serve.database)"
    }
}
