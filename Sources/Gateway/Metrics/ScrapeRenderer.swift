import Audit
import ClusterStore
import Recording

/// The `/metrics` body: the registry's event-driven metrics, then what is read now from
/// where it already lives: the audit writer's statistics (Audit keeps plain numbers and
/// knows nothing of metrics), live connection counts, relayed bytes and free space.
struct ScrapeRenderer: Sendable {
    let metrics: GatewayMetrics
    let audit: AuditWriter
    let admission: AdmissionControl
    let stateDirectory: String
    /// Break-glass review items still open, read from the trail at each scrape (nil: unreadable).
    var unreviewedBreakGlass: @Sendable () -> Int? = { nil }
    /// The shipper's lag behind the local trail, when the node is part of a cluster.
    var clusterShipping: @Sendable () -> ShippingStatus? = { nil }

    func render() -> String {
        var writer = PrometheusTextWriter()
        writer.family("tracegate_connections_open", type: "gauge", help: "Engineer connections open now.")
        writer.sample("tracegate_connections_open", admission.liveConnections)
        writer.family("tracegate_connections_unauthenticated", type: "gauge",
                      help: "Connections still in key exchange or authentication.")
        writer.sample("tracegate_connections_unauthenticated", admission.unauthenticatedConnections)

        writer.family("tracegate_relayed_bytes_total", type: "counter",
                      help: "Bytes relayed between engineers and targets, by direction.")
        writer.sample("tracegate_relayed_bytes_total", labels: [("direction", "to_target")], metrics.bytesToTarget.value)
        writer.sample("tracegate_relayed_bytes_total", labels: [("direction", "from_target")], metrics.bytesFromTarget.value)

        let statistics = audit.statistics
        writer.family("tracegate_audit_queue_depth", type: "gauge", help: "Audit events accepted but not yet committed.")
        writer.sample("tracegate_audit_queue_depth", audit.pendingCount)
        writer.family("tracegate_audit_events_committed_total", type: "counter", help: "Audit events committed.")
        writer.sample("tracegate_audit_events_committed_total", statistics.committedEvents)
        writer.family("tracegate_audit_commit_failures_total", type: "counter", help: "Audit commits that failed.")
        writer.sample("tracegate_audit_commit_failures_total", statistics.failedCommits)
        writer.family("tracegate_audit_writer_healthy", type: "gauge",
                      help: "1 while the audit writer's last commit succeeded, 0 while new sessions are refused.")
        writer.sample("tracegate_audit_writer_healthy", audit.isHealthy ? 1 : 0)
        let latency = statistics.commitLatency
        writer.histogram("tracegate_audit_commit_duration_seconds",
                         help: "Wall time of each successful audit commit, fsync included.",
                         bounds: CommitLatencyHistogram.bounds, counts: latency.counts,
                         sum: latency.sumSeconds, count: latency.count)

        if let free = RecordingFile.freeBytes(atPath: stateDirectory) {
            writer.family("tracegate_state_filesystem_free_bytes", type: "gauge",
                          help: "Free bytes on the filesystem holding state_dir (audit database and recordings).")
            writer.sample("tracegate_state_filesystem_free_bytes", free)
        }
        if let open = unreviewedBreakGlass() {
            writer.family("tracegate_break_glass_unreviewed", type: "gauge",
                          help: "Break-glass review items nobody of the other organisation has closed yet.")
            writer.sample("tracegate_break_glass_unreviewed", open)
        }
        if let shipping = clusterShipping() { writer.clusterShipping(shipping) }
        return metrics.registry.emitToString() + writer.text
    }
}
