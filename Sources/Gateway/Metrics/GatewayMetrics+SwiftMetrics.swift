import CoreMetrics
import Prometheus
import Synchronization

extension GatewayMetrics {
    private static let bootstrapped = Mutex(false)

    /// Points swift-metrics' global factory at this registry, so that anything reporting through
    /// the swift-metrics API (a library the gateway uses, or later code of ours) is in the same
    /// scrape. swift-metrics allows one bootstrap per process: the first gateway wins, later
    /// calls are ignored.
    func bootstrapSwiftMetrics() {
        let first = Self.bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
