import Audit
import Foundation
import Policy

/// Sessions under a grant with `approval:`: the session waits, with nothing sent to the
/// target (not even a connection), until an approver decides, the wait runs out, or the
/// engineer withdraws. The decision comes from another connection's thread through
/// `runtime.approvals`; this thread looks at it on every trip of its loop.
extension ClientConnection {
    /// Whether `command` must wait: true when it now waits (or was refused); false when an
    /// approval in force covers it and it may start at once (`bridge.approval` is then set).
    func holdForApproval(_ command: SessionCommand, on bridge: ChannelBridge, rule: ApprovalRule, grant: Grant,
                         target: Target, login: String) -> Bool {
        let user = context.user?.name ?? ""
        let coverage = ApprovalBoard.Coverage(user: user, target: target.name, login: login,
                                              ticket: context.ticket ?? bridge.ticket)
        let now = Date()
        if let approval = runtime.approvals.approval(covering: coverage, at: now) {
            bridge.approval = approval
            return false
        }
        let id = Self.makeApprovalID()
        let waitSeconds = TimeInterval(rule.wait.components.seconds)
        let waitUntil = now.addingTimeInterval(waitSeconds)
        let approvers = rule.approversDescription
        let commandText = command.text.map { command.kind == "exec" ? $0 : "\(command.kind) \($0)" } ?? command.kind
        let facts = ApprovalRequestFacts(
            id: id, command: commandText, approvers: approvers, grant: grant.name,
            waitUntil: AuditTimestamp(secondsSinceEpoch: waitUntil.timeIntervalSince1970))
        do {
            try journal.approvalRequested(context, request: facts)
        } catch {
            bridge.refuse(.auditUnavailable)
            return true
        }
        runtime.approvals.open(ApprovalBoard.Request(
            id: id, connectionID: context.id, coverage: coverage, organization: context.user?.organization ?? "",
            sourceAddress: context.clientAddress, command: commandText, rule: rule, grantName: grant.name,
            requestedAt: now, waitUntil: waitUntil))
        // Approvers on the other nodes of a cluster can find it there.
        runtime.approvalExchange?.requestOpened(SharedApprovalRequest(
            id: id, connectionID: context.id, user: user, organization: context.user?.organization ?? "",
            target: target.name, login: login, ticket: coverage.ticket, sourceAddress: context.clientAddress,
            command: commandText, grantName: grant.name,
            requestedAt: AuditTimestamp(secondsSinceEpoch: now.timeIntervalSince1970), waitUntil: facts.waitUntil))
        let listen = settings.configuration.listen
        let waitText = Grant.render(rule.wait)
        let announcement = "tracegate: \(login)@\(target.name) needs approval by \(approvers); request \(id) waits \(waitText). "
            + "An approver runs: ssh -p \(listen.port) \(listen.host) approve \(id)"
        runtime.notifier.send([
            "event": "approval.requested", "id": id, "user": user, "organization": context.user?.organization ?? "",
            "target": target.name, "login": login, "ticket": coverage.ticket ?? "", "command": commandText,
            "source": context.clientAddress, "approvers": approvers, "grant": grant.name,
            "wait_until": ISO8601DateFormatter().string(from: waitUntil),
            "approve_with": "ssh -p \(listen.port) \(listen.host) approve \(id)",
        ], with: settings.configuration.notify)
        bridge.awaitApproval(for: command, ApprovalWait(id: id, waitUntil: waitUntil, waitText: waitText,
                                                        announcement: announcement))
        return true
    }

    /// Looks whether the request `bridge` waits for was decided, ran out or was withdrawn.
    func resolveApproval(on bridge: ChannelBridge) {
        guard let (command, wait) = bridge.awaitedApproval else { return }
        let board = runtime.approvals
        if wait.withdrawn {
            endRequest(of: bridge, status: .withdrawn, reason: "withdrawn by the engineer")
            bridge.refuse(.approvalWithdrawn(id: wait.id))
            return
        }
        if let outcome = board.outcome(of: wait.id) {
            bridge.openApprovalID = nil
            switch outcome {
            case .approved(let approval):
                board.end(wait.id, how: "approved by \(approval.approver)")
                runtime.approvalExchange?.requestEnded(id: wait.id, status: ApprovalStatus.approved.rawValue)
                bridge.resumeAfterApproval(approval, line: "tracegate: request \(wait.id) approved by \(approval.approver)")
                if start(command, on: bridge) == .deny { bridge.refuse(.commandRefused(command.kind)) }
            case .denied(let approver, let reason):
                board.end(wait.id, how: "denied by \(approver)")
                runtime.approvalExchange?.requestEnded(id: wait.id, status: ApprovalStatus.denied.rawValue)
                bridge.refuse(.approvalDenied(id: wait.id, approver: approver, reason: reason))
            }
            return
        }
        if Date() >= wait.waitUntil {
            endRequest(of: bridge, status: .expired, reason: "nobody decided within \(wait.waitText)")
            bridge.refuse(.approvalExpired(id: wait.id, wait: wait.waitText))
        }
    }

    /// A channel that ends (or is refused by a drain) while its request waits withdraws it.
    func settleOpenApproval(of bridge: ChannelBridge) {
        guard bridge.openApprovalID != nil else { return }
        endRequest(of: bridge, status: .withdrawn, reason: "the session ended before a decision")
    }

    private func endRequest(of bridge: ChannelBridge, status: ApprovalStatus, reason: String) {
        guard let id = bridge.openApprovalID else { return }
        bridge.openApprovalID = nil
        runtime.approvals.end(id, how: status.rawValue)
        runtime.approvalExchange?.requestEnded(id: id, status: status.rawValue)
        journal.approvalEnded(context, approvalID: id, status: status, reason: reason)
    }

    /// Whether a channel waits for an approval: the loop then looks at the board often.
    var isAwaitingApproval: Bool {
        bridges.contains { $0.openApprovalID != nil }
    }

    /// `r-` and 8 hex digits: short enough to type, random so that ids are not guessable.
    static func makeApprovalID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "r-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max, using: &generator))
    }
}
