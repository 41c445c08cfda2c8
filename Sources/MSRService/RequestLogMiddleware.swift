import Foundation
import Hummingbird
import Logging
import MSRCore
import NIOHTTP1

/// The outermost middleware: gives every response an `X-Request-Id`, turns every error into
/// its JSON error body (an unexpected one into a 500 that says no more than the request id),
/// counts and times the request for `/metrics`, and logs one JSON line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let metrics: ServiceMetrics
    let logger: Logger
    /// For a 405 instead of the router's 404 when the path is known.
    let routeMethods: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try Self.errorResponse(error, request: request, context: context, logger: logger, routeMethods: routeMethods)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let route = context.endpointPath ?? "unmatched"
        response.headers[.init("X-Request-Id")!] = context.id
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, seconds: seconds)
        logger.info("request", metadata: [
            "request_id": .string(context.id), "method": .string(request.method.rawValue), "route": .string(route),
            "path": .string(String(request.uri.path.prefix(200))), "status": .stringConvertible(response.status.code),
            "ms": .string(Self.milliseconds(elapsed)), "client": .string(context.client),
            "user": .string(context.signedIn.user ?? "-"),
        ])
        return response
    }

    /// Counts and logs a request answered before the router (`EarlyAnswers`: a head that is
    /// not HTTP), whose route and method are not known.
    static func unread(_ error: APIError, client: String, metrics: ServiceMetrics, logger: Logger) {
        metrics.request(route: "unreadable", method: "-", status: error.status.code, seconds: 0)
        logger.info("request", metadata: [
            "method": "-", "route": "unreadable", "status": .stringConvertible(error.status.code), "client": .string(client),
            "error": .string(error.message),
        ])
    }

    /// A duration in milliseconds with three decimals ("12.345"), without Foundation's
    /// `String(format:)` at every request.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The response for an error a route threw.
    static func errorResponse(_ error: any Error, request: Request, context: Context, logger: Logger,
                              routeMethods: RouteMethods) throws -> Response {
        switch error {
        case let error as APIError:
            return try error.response(from: request, context: context)
        case let error as HTTPError:
            // The router's 404 for a path no route has with this method: 405 when others do.
            if error.status == .notFound, let allowed = routeMethods.allowed(request.uri.path) {
                var response = try APIError(.methodNotAllowed, "method_not_allowed", "\(MessageText.quoted(request.method.rawValue, limit: 20)) "
                                            + "is not a method of this path: expected \(allowed)").response(from: request, context: context)
                response.headers[.allow] = allowed
                return response
            }
            let code: String
            switch error.status {
            case .contentTooLarge: code = "body_too_large"
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            default: code = error.status.code < 500 ? "bad_request" : "internal"
            }
            let message = error.status == .contentTooLarge ? "the request body is larger than the limit (serve.limits.max_body_kb)"
                : (error.body ?? error.status.reasonPhrase)
            return try APIError(error.status, code, message).response(from: request, context: context)
        case let error as MSRError:
            return try APIError.from(error, field: "").response(from: request, context: context)
        case let error as HTTPParserError:
            // The client's bytes are not HTTP (a bad chunk size, a body cut short): its fault.
            return try APIError.unreadable(error).response(from: request, context: context)
        default:
            logger.error("unexpected error", metadata: ["request_id": .string(context.id), "error": .string(String(describing: error))])
            return try APIError(.internalServerError, "internal", "internal error (request \(context.id))")
                .response(from: request, context: context)
        }
    }
}

/// The global per-address limit (`serve.limits.requests_per_minute`): 429 with Retry-After;
/// not for the probes (`OperationsRoutes.probes`).
struct AddressLimitMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !OperationsRoutes.probes.contains(request.uri.path), let wait = limiter.take(context.client) {
            throw APIError.tooManyRequests("requests from this address", retryAfter: wait)
        }
        return try await next(request, context)
    }
}
