import Foundation
import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus' text format: requests by route and status, their
/// latency, recommendations served, the model version and retrain jobs.
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Latency buckets, in seconds: the service's goal is a p99 under 10 ms.
    static let buckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5].map { .microseconds(Int64($0 * 1_000_000)) }
    let recommendations: Counter
    let modelReloads: Counter

    public init() {
        recommendations = registry.makeCounter(descriptor: .init(metricName: "msr_recommendations", unitName: "total",
                                                                 helpText: "Playlists answered with recommendations."))
        modelReloads = registry.makeCounter(descriptor: .init(metricName: "msr_model_reloads", unitName: "total",
                                                              helpText: "Model sets loaded (at start and after each retrain)."))
    }

    /// Counts a request and records its latency, by route pattern (never the raw path, whose
    /// ids would make the label set grow without bound) and status.
    func request(route: String, method: String, status: Int, seconds: Double) {
        let (counter, histogram) = requestMetrics.withLock { cache in
            let key = RequestKey(route: route, method: method, status: status)
            if let known = cache[key] { return known }
            let made = (registry.makeCounter(descriptor: .init(metricName: "msr_http_requests", unitName: "total",
                                                               helpText: "HTTP requests by route and status."),
                                             labels: [("route", route), ("method", method), ("status", String(status))]),
                        registry.makeDurationHistogram(descriptor: .init(metricName: "msr_http_request_duration", unitName: "seconds",
                                                                         helpText: "HTTP request latency by route."),
                                                       labels: [("route", route), ("method", method)], buckets: Self.buckets))
            cache[key] = made
            return made
        }
        counter.increment()
        histogram.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// A request's labels (the route is a pattern, so there are few of them).
    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// The counter and histogram of each label set met so far: the registry would build the
    /// metric's name and look it up under its lock at every request.
    private let requestMetrics = Mutex<[RequestKey: (Counter, DurationHistogram)]>([:])

    /// The model version now serving, as a gauge of 1 labelled with it.
    func modelVersion(_ version: String, previous: String?) {
        let descriptor = MetricNameDescriptor(metricName: "msr_model_info", unitName: "", helpText: "The model version serving (value 1).")
        if let previous, previous != version {
            registry.unregisterGauge(registry.makeGauge(descriptor: descriptor, labels: [("version", previous)]))
        }
        registry.makeGauge(descriptor: descriptor, labels: [("version", version)]).set(Double(1))
        modelReloads.increment()
    }

    /// A retrain job ended with this status.
    func job(_ status: String) {
        registry.makeCounter(descriptor: .init(metricName: "msr_retrain_jobs", unitName: "total", helpText: "Retrain jobs by outcome."),
                             labels: [("status", status)]).increment()
    }

    /// The exposition text.
    func text() -> [UInt8] {
        registry.emitToBuffer()
    }
}
