import Audit
import Foundation
import Policy

/// `approve` and `deny` for a request that waits on another node of the cluster. The
/// approver's rights are checked here, where they decide, with the same rule as for a local
/// request (every node loads the same policy, and the request names its grant); the decision
/// is durable in this node's chain before any node can see it.
extension ConsentShell {
    func decideOnAnotherNode(_ id: String, by approver: User, approved: Bool, validFor: Duration?,
                             note: String?) -> (String, Int) {
        guard let exchange = runtime.approvalExchange else { return ("tracegate: no request \(id) waits (unknown id)\n", 1) }
        let grants = runtime.settings.configuration.grants
        let now = Date()
        let outcome: (SharedApprovalRequest, SharedApprovalDecision)
        var validText = ""
        do {
            outcome = try exchange.decide(id: id, check: { request in
                guard let rule = grants.first(where: { $0.name == request.grantName })?.approval else {
                    return "its grant (\(request.grantName)) needs no approval in this node's policy"
                }
                return rule.refusal(approver: approver, requester: request.user, requesterOrganization: request.organization)?.message
            }, decide: { request in
                // The approver may cover less than the grant's `valid`, never more.
                let limit = grants.first(where: { $0.name == request.grantName })?.approval?.valid ?? ApprovalRule.defaultValid
                let valid = min(validFor ?? limit, limit)
                validText = Grant.render(valid)
                return SharedApprovalDecision(
                    id: id, approved: approved, approver: approver.name, approverOrganization: approver.organization,
                    note: note, validUntil: approved
                        ? AuditTimestamp(secondsSinceEpoch: now.timeIntervalSince1970 + Double(valid.components.seconds)) : nil)
            }, record: { request, decision in
                try runtime.journal.approvalDecided(
                    context, approvalID: id, requester: request.user, approved: approved, note: note,
                    validUntil: decision.validUntil.map { Date(timeIntervalSince1970: Double($0.microsecondsSinceEpoch) / 1_000_000) })
            })
        } catch {
            return (Self.line(for: error, id: id), 1)
        }
        let (request, decision) = outcome
        runtime.notifier.send([
            "event": "approval.decided", "id": id, "decision": approved ? "approved" : "denied", "approver": approver.name,
            "approver_organization": approver.organization, "note": note ?? "", "user": request.user,
            "organization": request.organization, "target": request.target, "login": request.login,
        ], with: runtime.settings.configuration.notify)
        let what = "\(request.user) as \(request.login) on \(request.target)"
        guard approved, decision.validUntil != nil else { return ("denied \(id): \(what)\n", 0) }
        return ("approved \(id): \(what) for \(validText) (it waits on another node)\n", 0)
    }

    /// Makes a decision on a request waiting on this node durable in the chain; nil when it
    /// did, else the approver's one line. On a cluster the decision is also the claim in
    /// PostgreSQL, in the same step, so that an approver on another node cannot decide the
    /// same request meanwhile. When PostgreSQL does not have the request yet, or cannot be
    /// reached, nobody elsewhere can claim it either: it is decided here and shared later.
    func recordDecision(on request: ApprovalBoard.Request, _ decision: SharedApprovalDecision) -> String? {
        let record = { () throws(AuditError) in
            try runtime.journal.approvalDecided(
                context, approvalID: request.id, requester: request.coverage.user, approved: decision.approved,
                note: decision.note,
                validUntil: decision.validUntil.map { Date(timeIntervalSince1970: Double($0.microsecondsSinceEpoch) / 1_000_000) })
        }
        let notRecorded = "tracegate: the audit trail cannot be written; nothing was decided\n"
        guard let exchange = runtime.approvalExchange else {
            do { try record() } catch { return notRecorded }
            return nil
        }
        do {
            _ = try exchange.decide(id: request.id, check: { _ in nil }, decide: { _ in decision }, record: { _, _ in try record() })
            return nil
        } catch .unknown, .unreachable {
            do { try record() } catch { return notRecorded }
            exchange.decidedHere(decision)
            return nil
        } catch {
            return Self.line(for: error, id: request.id)
        }
    }

    /// Requests waiting on other nodes that `approver` may decide, by the same rule as here.
    func decidableElsewhere(by approver: User, at now: Date) -> [SharedApprovalRequest] {
        let grants = runtime.settings.configuration.grants
        let current = AuditTimestamp(secondsSinceEpoch: now.timeIntervalSince1970)
        return runtime.approvalsElsewhere.all.filter { request in
            guard request.waitUntil > current,
                  let rule = grants.first(where: { $0.name == request.grantName })?.approval else { return false }
            return rule.refusal(approver: approver, requester: request.user, requesterOrganization: request.organization) == nil
        }
    }

    static func line(for failure: RemoteDecisionFailure, id: String) -> String {
        switch failure {
        case .unknown: "tracegate: no request \(id) waits (unknown id)\n"
        case .ended(let how): "tracegate: request \(id) is no longer waiting (\(how))\n"
        case .refused(let why): "tracegate: you may not decide \(id): \(why)\n"
        case .unreachable:
            "tracegate: request \(id) does not wait on this node, and the cluster's shared state cannot be reached; nothing was decided\n"
        case .notRecorded: "tracegate: the audit trail cannot be written; nothing was decided\n"
        }
    }
}
