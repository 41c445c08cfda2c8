import Foundation
import Hummingbird
import MSRCore

/// What operators and orchestrators poll: liveness, readiness, Prometheus metrics, and the API's
/// OpenAPI description (Sources/MSRService/openapi.yaml, compiled in).
struct OperationsRoutes {
    let state: ServiceState

    /// Liveness, readiness and metrics: what orchestrators and monitors poll, left alone by the
    /// per-address limit (a probe answered 429 while clients load the service from the same
    /// address, as behind a proxy, would have the service taken for dead and restarted).
    static let probes: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func add(to router: Router<ServiceContext>) {
        router.get("healthz") { _, _ -> Response in
            JSONResponse.make(.object(["status": .string("ok")]))
        }
        router.get("readyz") { _, _ -> Response in
            guard let models = state.models.models else {
                return JSONResponse.make(.object(["status": .string("loading")]), status: .serviceUnavailable)
            }
            return JSONResponse.make(.object(["status": .string("ready"), "model_version": .string(models.version),
                                              "loaded_at": .string(utcTimestamp(models.loadedAt)),
                                              "songs": .int(models.recommender.catalog.count)]))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.text())))
        }
        router.get("openapi.yaml") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }
}
