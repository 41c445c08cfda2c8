import Hummingbird
import Synchronization

/// The methods each route's path answers, so that a known path asked with another method is a
/// 405 naming them in `Allow`, as HTTP asks (Hummingbird's router answers 404 then). Filled once
/// the routes are added (`ServiceState.router()`), read by `RequestLogMiddleware`.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(path: RouterPath, methods: [String])]>([])

    /// Takes the router's routes; a path with GET answers HEAD too (the router makes those).
    func fill(from descriptions: [Router<ServiceContext>.RouteDescription]) {
        var byPath: [(path: RouterPath, methods: [String])] = []
        for route in descriptions {
            if let index = byPath.firstIndex(where: { $0.path == route.path }) {
                byPath[index].methods.append(route.method.rawValue)
            } else {
                byPath.append((route.path, [route.method.rawValue]))
            }
        }
        for index in byPath.indices {
            if byPath[index].methods.contains("GET"), !byPath[index].methods.contains("HEAD") { byPath[index].methods.append("HEAD") }
            byPath[index].methods.sort()
        }
        routes.withLock { $0 = byPath }
    }

    /// The methods the routes whose path `path` matches answer ("GET, HEAD"), or nil when none
    /// matches.
    func allowed(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = routes.withLock { routes in
            routes.filter { route in route.path.count == segments.count && zip(route.path, segments).allSatisfy { $0 ~= $1 } }
                .flatMap(\.methods)
        }
        return methods.isEmpty ? nil : Array(Set(methods)).sorted().joined(separator: ", ")
    }
}
