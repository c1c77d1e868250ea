import Prometheus

/// Every event-driven metric of the gateway, named once: the registry insists that a name
/// always comes with the same help text, and promtool's lint wants `_total` on counters and
/// base units (`_seconds`, `_bytes`) in names. Computed: the library's descriptor type is not
/// Sendable, so it cannot be a stored static.
enum MetricDescriptors {
    static var connectionsAccepted: MetricNameDescriptor {
        named("connections_accepted", "total", help: "Engineer connections accepted by the gateway.")
    }
    static var connectionsRefused: MetricNameDescriptor {
        named("connections_refused", "total", help: "Connections or session requests refused, by reason code.")
    }
    static var authentications: MetricNameDescriptor {
        named("authentications", "total", help: "Authentication attempts, by result.")
    }
    static var sessionsActive: MetricNameDescriptor {
        named("sessions", "active", help: "Sessions and forwards relaying now, by organization and target.")
    }
    static var sessionsStarted: MetricNameDescriptor {
        named("sessions_started", "total", help: "Sessions and forwards started, by organization and target.")
    }
    static var sessionSetup: MetricNameDescriptor {
        named("session_setup_duration", "seconds", help: "From the session request (shell, exec, subsystem) to the target's channel being ready.")
    }
    static var upstreamFailures: MetricNameDescriptor {
        named("upstream_failures", "total", help: "Failed connections to targets, by target and reason code.")
    }
    static var recordingBytes: MetricNameDescriptor {
        named("recording_bytes", "total", help: "Bytes of session recordings written, counted when each session ends.")
    }

    /// From 5 ms (a multiplexed session on an open connection) to 30 s (past the default
    /// upstream timeout): the first session of a connection includes the target's handshake.
    static let sessionSetupBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// Every metric is `tracegate_NAME_UNIT`.
    static func named(_ name: String, _ unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tracegate", metricName: name, unitName: unit, helpText: help)
    }
}
