import Audit
import Foundation
import Policy

/// `reviews` and `review b-… --accept|--reject TEXT`: the other organisation closes each
/// break-glass item after looking at the session (`tracegate replay`, `audit show`).
extension ConsentShell {
    private var store: any ReviewStore { runtime.auditStore }

    /// Who may review `item` under the policy in force now: the entry it ran under, or the
    /// target owner's organisation when that entry is gone.
    private func mayReview(_ item: ReviewRecord, _ reviewer: User) -> Bool {
        let policy = runtime.settings.policy
        let rule = policy.breakGlassRule(named: item.ruleName)
            ?? BreakGlassRule(index: 0, line: 0, sourceFile: "", subjects: GrantSubjects(), targetSelector: TargetSelector(),
                              logins: [])
        return rule.mayReview(reviewer, engineer: item.user, engineerOrganization: item.organization,
                              targetOwner: item.targetOwner)
    }

    func reviews(for reviewer: User) -> (String, Int) {
        let items: [ReviewRecord]
        do {
            items = try store.openReviews().filter { mayReview($0, reviewer) }
        } catch {
            return ("tracegate: the audit trail cannot be read\n", 1)
        }
        guard !items.isEmpty else { return ("No break-glass session waits for your review.\n", 0) }
        var rows = [["REVIEW", "OPENED", "USER", "ORG", "TARGET", "LOGIN", "REASON", "CONNECTION"]]
        for item in items {
            rows.append([item.id, String(item.openedAt.prefix(19)), item.user, item.organization, item.target, item.login,
                         SafeText.quoted(item.reason, limit: 60), item.connectionID])
        }
        return (GatewayShellCommands.align(rows) + "Look at a session with: tracegate audit show CONNECTION; tracegate replay SESSION\n", 0)
    }

    func review(_ id: String, by reviewer: User, accepted: Bool, note: String) -> (String, Int) {
        let item: ReviewRecord
        do {
            guard let found = try store.review(id: id) else { return ("tracegate: no review item \(id)\n", 1) }
            item = found
        } catch {
            return ("tracegate: the audit trail cannot be read\n", 1)
        }
        guard item.result == .open else {
            return ("tracegate: review \(id) is already closed (\(item.result.rawValue) by \(item.reviewedBy ?? "?"))\n", 1)
        }
        guard mayReview(item, reviewer) else {
            return ("tracegate: you may not review \(id): the other organisation reviews \(item.user)'s break-glass session\n", 1)
        }
        do {
            try runtime.journal.breakGlassReviewed(context, reviewID: id, accepted: accepted, note: note)
        } catch {
            return ("tracegate: the audit trail cannot be written; nothing was reviewed\n", 1)
        }
        let listen = runtime.settings.configuration
        runtime.notifier.send([
            "event": "breakglass.reviewed", "id": id, "result": accepted ? "accepted" : "rejected", "reviewer": reviewer.name,
            "reviewer_organization": reviewer.organization, "note": note, "user": item.user, "target": item.target,
        ], with: listen.notify)
        return ("\(accepted ? "accepted" : "rejected") \(id): \(item.user) as \(item.login) on \(item.target)\n", 0)
    }
}
