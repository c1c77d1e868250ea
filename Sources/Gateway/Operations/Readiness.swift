import Audit
import Recording

/// Each condition for taking new sessions, judged when asked.
package struct ReadinessReport: Sendable {
    package var checks: [(name: String, ok: Bool, detail: String)] = []

    package init() {}

    package var isReady: Bool { checks.allSatisfy(\.ok) }

    /// One line per check, `ok` or `fail`, for people and for `curl` in scripts.
    package var text: String {
        checks.map { "\($0.ok ? "ok" : "fail") \($0.name): \($0.detail)\n" }.joined()
    }
}

/// Ready means what a new session needs: the SSH listener accepting, the audit store
/// writable right now (the decision must become durable before any byte moves), and free
/// space above the floor under which sessions are refused (a session must be recordable).
struct ReadinessProbe: Sendable {
    let isAccepting: @Sendable () -> Bool
    let auditStore: AuditStore
    let audit: AuditWriter
    let stateDirectory: String
    let freeSpaceFloor: @Sendable () -> Int

    func evaluate() -> ReadinessReport {
        var report = ReadinessReport()
        let accepting = isAccepting()
        report.checks.append(("listening", accepting, accepting ? "accepting SSH connections" : "not accepting (starting or stopping)"))
        if let problem = auditStore.writabilityProblem() {
            report.checks.append(("audit", false, problem.description))
        } else if !audit.isHealthy {
            report.checks.append(("audit", false, audit.lastError?.description ?? "the last commit failed"))
        } else {
            report.checks.append(("audit", true, "writable"))
        }
        let floor = freeSpaceFloor()
        if let free = RecordingFile.freeBytes(atPath: stateDirectory) {
            report.checks.append(("free_space", free >= floor, "\(free) bytes free, floor \(floor)"))
        } else {
            report.checks.append(("free_space", false, "cannot read the free space of \(stateDirectory)"))
        }
        return report
    }
}
