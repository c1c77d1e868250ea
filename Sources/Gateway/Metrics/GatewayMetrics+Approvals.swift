import Prometheus

extension MetricDescriptors {
    static var approvalsRequested: MetricNameDescriptor {
        named("approval_requests", "total", help: "Approval requests opened by sessions under a grant with approval.")
    }
    static var approvalsDecided: MetricNameDescriptor {
        named("approval_decisions", "total", help: "Approval requests decided, by result (approved, denied).")
    }
}

extension GatewayMetrics {
    func approvalRequested() {
        registry.makeCounter(descriptor: MetricDescriptors.approvalsRequested).increment()
    }

    func approvalDecided(approved: Bool) {
        registry.makeCounter(descriptor: MetricDescriptors.approvalsDecided,
                             labels: [("result", approved ? "approved" : "denied")]).increment()
    }
}

extension MetricDescriptors {
    static var notifications: MetricNameDescriptor {
        named("notifications", "total", help: "Runs of the notify command, by result (ok, failed, timeout, start_failed, queue_full).")
    }
}

extension GatewayMetrics {
    func notification(result: String) {
        registry.makeCounter(descriptor: MetricDescriptors.notifications, labels: [("result", result)]).increment()
    }
}

extension MetricDescriptors {
    static var breakGlassOpened: MetricNameDescriptor {
        named("break_glass_sessions", "total", help: "Break-glass entries (each opens a review item).")
    }
}

extension GatewayMetrics {
    func breakGlassOpened() {
        registry.makeCounter(descriptor: MetricDescriptors.breakGlassOpened).increment()
    }
}
