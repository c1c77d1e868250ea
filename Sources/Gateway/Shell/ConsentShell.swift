import Audit
import Foundation
import Policy

/// The consent commands of the gateway shell, executed against the running gateway: the
/// approver lists and decides the requests they may decide. Each decision is made durable in
/// the trail before the requester's connection can see it; each refusal is one line.
struct ConsentShell {
    let context: ConnectionContext
    let runtime: GatewayRuntime

    func run(_ command: ConsentCommand) -> (String, Int) {
        guard let approver = context.user else { return ("tracegate: unknown user\n", 1) }
        switch command {
        case .list: return (list(for: approver), 0)
        case .approve(let id, let validFor, let note): return approve(id, by: approver, validFor: validFor, note: note)
        case .deny(let id, let reason): return deny(id, by: approver, reason: reason)
        case .reviews: return reviews(for: approver)
        case .review(let id, let accepted, let note): return review(id, by: approver, accepted: accepted, note: note)
        }
    }

    static let help = """
        approvals  requests waiting for your approval
        approve    approve r-ID [--for 1h] [--note TEXT]
        deny       deny r-ID --reason TEXT
        reviews    break-glass sessions waiting for your review
        review     review b-ID --accept TEXT | --reject TEXT

        """

    private func list(for approver: User) -> String {
        let now = Date()
        let requests = runtime.approvals.pendingRequests().filter {
            $0.rule.refusal(approver: approver, requester: $0.coverage.user, requesterOrganization: $0.organization) == nil
                && $0.waitUntil > now
        }
        let elsewhere = decidableElsewhere(by: approver, at: now)
        guard !requests.isEmpty || !elsewhere.isEmpty else { return "No request waits for your approval.\n" }
        var rows = [["REQUEST", "USER", "ORG", "TARGET", "LOGIN", "TICKET", "SOURCE", "COMMAND", "AGE"]]
        for request in requests {
            let age = Int(now.timeIntervalSince(request.requestedAt))
            rows.append([
                request.id, request.coverage.user, request.organization, request.coverage.target, request.coverage.login,
                request.coverage.ticket.map { SafeText.quoted($0, limit: 40) } ?? "-", request.sourceAddress,
                SafeText.quoted(request.command, limit: 60), Self.age(age),
            ])
        }
        for request in elsewhere {
            let age = Int(now.timeIntervalSince1970 - Double(request.requestedAt.microsecondsSinceEpoch) / 1_000_000)
            rows.append([
                request.id, request.user, request.organization, request.target, request.login,
                request.ticket.map { SafeText.quoted($0, limit: 40) } ?? "-", request.sourceAddress,
                SafeText.quoted(request.command, limit: 60), Self.age(age),
            ])
        }
        return GatewayShellCommands.align(rows)
    }

    private static func age(_ seconds: Int) -> String {
        seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(max(0, seconds))s"
    }

    private func approve(_ id: String, by approver: User, validFor: Duration?, note: String?) -> (String, Int) {
        let now = Date()
        let request: ApprovalBoard.Request
        switch runtime.approvals.claim(id, by: approver, at: now) {
        case .success(let claimed): request = claimed
        case .failure(.unknown) where runtime.approvalExchange != nil:
            return decideOnAnotherNode(id, by: approver, approved: true, validFor: validFor, note: note)
        case .failure(let error): return (Self.line(for: error, id: id), 1)
        }
        // The approver may cover less than the grant's `valid`, never more.
        let valid = min(validFor ?? request.rule.valid, request.rule.valid)
        let validUntil = now.addingTimeInterval(TimeInterval(valid.components.seconds))
        if let failure = recordDecision(on: request, SharedApprovalDecision(
            id: id, approved: true, approver: approver.name, approverOrganization: approver.organization, note: note,
            validUntil: AuditTimestamp(secondsSinceEpoch: validUntil.timeIntervalSince1970)))
        {
            runtime.approvals.release(id)
            return (failure, 1)
        }
        notify(request, decision: "approved", by: approver, text: note)
        runtime.approvals.publish(
            .approved(ApprovalBoard.InForce(approvalID: id, approver: approver.name, validUntil: validUntil)), for: request)
        var text = "approved \(id): \(request.coverage.user) as \(request.coverage.login) on \(request.coverage.target)"
            + " for \(Grant.render(valid))"
        if let validFor, validFor > request.rule.valid { text += " (the grant allows at most \(Grant.render(request.rule.valid)))" }
        return (text + "\n", 0)
    }

    private func deny(_ id: String, by approver: User, reason: String) -> (String, Int) {
        let request: ApprovalBoard.Request
        switch runtime.approvals.claim(id, by: approver, at: Date()) {
        case .success(let claimed): request = claimed
        case .failure(.unknown) where runtime.approvalExchange != nil:
            return decideOnAnotherNode(id, by: approver, approved: false, validFor: nil, note: reason)
        case .failure(let error): return (Self.line(for: error, id: id), 1)
        }
        if let failure = recordDecision(on: request, SharedApprovalDecision(
            id: id, approved: false, approver: approver.name, approverOrganization: approver.organization, note: reason,
            validUntil: nil))
        {
            runtime.approvals.release(id)
            return (failure, 1)
        }
        notify(request, decision: "denied", by: approver, text: reason)
        runtime.approvals.publish(.denied(approver: approver.name, reason: reason), for: request)
        return ("denied \(id): \(request.coverage.user) as \(request.coverage.login) on \(request.coverage.target)\n", 0)
    }

    private func notify(_ request: ApprovalBoard.Request, decision: String, by approver: User, text: String?) {
        runtime.notifier.send([
            "event": "approval.decided", "id": request.id, "decision": decision, "approver": approver.name,
            "approver_organization": approver.organization, "note": text ?? "", "user": request.coverage.user,
            "organization": request.organization, "target": request.coverage.target, "login": request.coverage.login,
        ], with: runtime.settings.configuration.notify)
    }

    private static func line(for error: ApprovalBoard.ClaimError, id: String) -> String {
        switch error {
        case .unknown: "tracegate: no request \(id) waits (unknown id)\n"
        case .ended(let how): "tracegate: request \(id) is no longer waiting (\(how))\n"
        case .refused(let refusal): "tracegate: you may not decide \(id): \(refusal.message)\n"
        case .beingDecided: "tracegate: request \(id) is being decided by someone else\n"
        }
    }
}
