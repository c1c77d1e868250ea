import Foundation
import Logging
import Policy
import Synchronization

/// Runs the operator's `notify:` command with one JSON object on stdin, on a queue of its own:
/// a session or an approver never waits for it. At most `capacity` notifications wait; past
/// that they are dropped (counted and logged). Each run is killed at its timeout; a failure
/// is logged and counted, and changes nothing else.
package final class Notifier: Sendable {
    private let queue = DispatchQueue(label: "tracegate.notify")
    private let waiting = Mutex(0)
    private let logger: Logger
    private let metrics: GatewayMetrics
    static let capacity = 64

    package init(logger: Logger, metrics: GatewayMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    /// Queues `event` for `settings`' command; returns at once.
    func send(_ event: [String: String], with settings: NotifySettings?) {
        guard let settings else { return }
        let admitted = waiting.withLock { count in
            guard count < Self.capacity else { return false }
            count += 1
            return true
        }
        guard admitted else {
            fail(event, reason: "queue_full", detail: "\(Self.capacity) notifications already wait")
            return
        }
        queue.async { [self] in
            defer { waiting.withLock { $0 -= 1 } }
            run(event, settings)
        }
    }

    private func run(_ event: [String: String], _ settings: NotifySettings) {
        guard let json = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        switch NotifyProcess.run(settings.command, input: json + Data("\n".utf8), timeout: settings.timeout) {
        case .exited(0):
            metrics.notification(result: "ok")
        case .exited(let status):
            fail(event, reason: "failed", detail: "exit status \(status)")
        case .signalled(let signal):
            fail(event, reason: "failed", detail: "killed by signal \(signal)")
        case .timedOut:
            fail(event, reason: "timeout", detail: "killed after \(Grant.render(settings.timeout))")
        case .startFailed(let error):
            fail(event, reason: "start_failed", detail: String(cString: strerror(error)))
        }
    }

    private func fail(_ event: [String: String], reason: String, detail: String) {
        metrics.notification(result: reason)
        logger.warning("notify command failed", metadata: [
            "tg.event": "\(event["event"] ?? "")", "tg.approval": "\(event["id"] ?? "")", "tg.reason": "\(reason)",
            "tg.detail": "\(detail)",
        ])
    }
}
