import Prometheus

/// Every event-driven metric of the gateway, named once: the registry insists that a name
/// always comes with the same help text, and promtool's lint wants `_total` on counters and
/// base units (`_seconds`, `_bytes`) in names. Computed: the library's descriptor type is not
/// Sendable, so it cannot be a stored static.
enum MetricDescriptors {
    static var connectionsAccepted: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "connections_accepted", unitName: "total",
            helpText: "Engineer connections accepted by the gateway.")
    }
    static var connectionsRefused: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "connections_refused", unitName: "total",
            helpText: "Connections or session requests refused, by reason code.")
    }
    static var authentications: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "authentications", unitName: "total",
            helpText: "Authentication attempts, by result.")
    }
    static var sessionsActive: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "sessions", unitName: "active",
            helpText: "Sessions and forwards relaying now, by organization and target.")
    }
    static var sessionsStarted: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "sessions_started", unitName: "total",
            helpText: "Sessions and forwards started, by organization and target.")
    }
    static var sessionSetup: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "session_setup_duration", unitName: "seconds",
            helpText: "From the session request (shell, exec, subsystem) to the target's channel being ready.")
    }
    static var upstreamFailures: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "upstream_failures", unitName: "total",
            helpText: "Failed connections to targets, by target and reason code.")
    }
    static var recordingBytes: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tracegate", metricName: "recording_bytes", unitName: "total",
            helpText: "Bytes of session recordings written, counted when each session ends.")
    }

    /// From 5 ms (a multiplexed session on an open connection) to 30 s (past the default
    /// upstream timeout): the first session of a connection includes the target's handshake.
    static let sessionSetupBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]
}
