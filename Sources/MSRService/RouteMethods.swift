import Hummingbird
import Synchronization

/// The methods each route's path answers, so that a known path asked with another method is a
/// 405 naming them in `Allow`, as HTTP asks (Hummingbird's router answers 404 then). Filled once
/// the routes are added (`ServiceState.router()`), read by `RequestLogMiddleware`.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(path: RouterPath, method: String)]>([])

    /// Takes the router's routes.
    func fill(from descriptions: [Router<ServiceContext>.RouteDescription]) {
        let routes = descriptions.map { (path: $0.path, method: $0.method.rawValue) }
        self.routes.withLock { $0 = routes }
    }

    /// The methods the routes whose path `path` matches answer, sorted ("GET, HEAD": a path with
    /// GET answers HEAD too, the router makes those), or nil when none matches.
    func allowed(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = Set(routes.withLock { routes in
            routes.filter { route in route.path.count == segments.count && zip(route.path, segments).allSatisfy { $0 ~= $1 } }
                .map(\.method)
        })
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.isEmpty ? nil : methods.sorted().joined(separator: ", ")
    }
}
