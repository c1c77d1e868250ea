import Prometheus
import Synchronization

/// The gateway's metrics, as connection threads report events. Counters and histograms live
/// in a Prometheus registry of this gateway's own; the values that already exist elsewhere
/// (audit writer statistics, free space, bytes relayed) are read when scraped instead
/// (`ScrapeRenderer`). Label values are names from the configuration or fixed reason codes,
/// so the number of series stays bounded by the configuration.
package final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    package let bytesToTarget = RelayByteCounter()
    package let bytesFromTarget = RelayByteCounter()
    private let accepted: Counter
    private let setupLatency: DurationHistogram
    private let recordingBytes: Counter
    /// Session id -> its gauge, so that an end decrements exactly what its start incremented,
    /// once, whatever the order of error paths.
    private let activeSessions = Mutex<[String: Gauge]>([:])

    package init() {
        accepted = registry.makeCounter(descriptor: MetricDescriptors.connectionsAccepted)
        setupLatency = registry.makeDurationHistogram(descriptor: MetricDescriptors.sessionSetup,
                                                      buckets: MetricDescriptors.sessionSetupBuckets)
        recordingBytes = registry.makeCounter(descriptor: MetricDescriptors.recordingBytes)
    }

    func connectionAccepted() {
        accepted.increment()
    }

    func connectionRefused(reason: String) {
        registry.makeCounter(descriptor: MetricDescriptors.connectionsRefused, labels: [("reason", reason)]).increment()
    }

    func authentication(result: String) {
        registry.makeCounter(descriptor: MetricDescriptors.authentications, labels: [("result", result)]).increment()
    }

    func sessionStarted(id: String, organization: String?, target: String?) {
        let labels = [("organization", organization ?? "none"), ("target", target ?? "none")]
        registry.makeCounter(descriptor: MetricDescriptors.sessionsStarted, labels: labels).increment()
        let gauge = registry.makeGauge(descriptor: MetricDescriptors.sessionsActive, labels: labels)
        let isNew = activeSessions.withLock { sessions in
            guard sessions[id] == nil else { return false }
            sessions[id] = gauge
            return true
        }
        if isNew { gauge.increment() }
    }

    func sessionEnded(id: String, recordingBytes bytes: Int?) {
        activeSessions.withLock { $0.removeValue(forKey: id) }?.decrement()
        if let bytes, bytes > 0 { recordingBytes.increment(by: Int64(bytes)) }
    }

    func sessionSetup(took duration: Duration) {
        setupLatency.record(duration)
    }

    func upstreamFailed(target: String, reason: String) {
        registry.makeCounter(descriptor: MetricDescriptors.upstreamFailures,
                             labels: [("target", target), ("reason", reason)]).increment()
    }
}

extension GatewayMetrics {
    /// Sessions and forwards relaying now, all targets together (the node's heartbeat).
    package var activeSessionCount: Int {
        activeSessions.withLock { $0.count }
    }
}
