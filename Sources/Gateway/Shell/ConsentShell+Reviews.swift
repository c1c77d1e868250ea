import Audit
import Foundation
import Policy

/// `reviews` and `review b-… --accept|--reject TEXT`: the other organisation closes each
/// break-glass item after looking at the session (`tracegate replay`, `audit show`).
extension ConsentShell {
    private var store: any ReviewStore { runtime.reviews }

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
        if runtime.reviewExchange != nil, let closed = reviewOnCluster(id, by: reviewer, accepted: accepted, note: note) {
            return closed
        }
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
        // Only reached on a cluster for an item of this node that PostgreSQL does not have yet.
        runtime.reviewExchange?.reviewClosedHere(closing(id, by: reviewer, accepted: accepted, note: note))
        return reviewed(item, by: reviewer, accepted: accepted, note: note)
    }

    /// Closes `id` as one claim in the cluster's shared state; nil when the cluster does not
    /// know the item (opened on this node and not shared yet: the local path closes it).
    private func reviewOnCluster(_ id: String, by reviewer: User, accepted: Bool, note: String) -> (String, Int)? {
        guard let exchange = runtime.reviewExchange else { return nil }
        do {
            let item = try exchange.close(id: id, check: { item in
                mayReview(item, reviewer)
                    ? nil : "tracegate: you may not review \(id): the other organisation reviews \(item.user)'s break-glass session\n"
            }, closing: { _ in closing(id, by: reviewer, accepted: accepted, note: note) }, record: { _ in
                try runtime.journal.breakGlassReviewed(context, reviewID: id, accepted: accepted, note: note)
            })
            return reviewed(item, by: reviewer, accepted: accepted, note: note)
        } catch .unknown {
            return nil
        } catch .closed(let result, let by) {
            return ("tracegate: review \(id) is already closed (\(result.rawValue) by \(by ?? "?"))\n", 1)
        } catch .refused(let line) {
            return (line, 1)
        } catch .unreachable {
            return ("tracegate: the cluster's shared state cannot be reached; nothing was reviewed\n", 1)
        } catch {
            return ("tracegate: the audit trail cannot be written; nothing was reviewed\n", 1)
        }
    }

    private func closing(_ id: String, by reviewer: User, accepted: Bool, note: String) -> ReviewClosing {
        ReviewClosing(id: id, result: accepted ? .accepted : .rejected, reviewer: reviewer.name,
                      reviewerOrganization: reviewer.organization, note: note, time: .now())
    }

    /// The reviewer's line and the notification, once the review is durable.
    private func reviewed(_ item: ReviewRecord, by reviewer: User, accepted: Bool, note: String) -> (String, Int) {
        let id = item.id
        let listen = runtime.settings.configuration
        runtime.notifier.send([
            "event": "breakglass.reviewed", "id": id, "result": accepted ? "accepted" : "rejected", "reviewer": reviewer.name,
            "reviewer_organization": reviewer.organization, "note": note, "user": item.user, "target": item.target,
        ], with: listen.notify)
        return ("\(accepted ? "accepted" : "rejected") \(id): \(item.user) as \(item.login) on \(item.target)\n", 0)
    }
}
