import Audit
import Foundation
import Policy

/// Break-glass: an engineer who sets `TRACEGATE_BREAK_GLASS="reason"` on a session enters
/// under a `break_glass:` entry, skipping approval, hours and the ticket pattern, never the key,
/// the source networks or the recording. The decision and a review item (`b-…`) are durable
/// before the session starts; every session of the connection is flagged with the item.
extension ClientConnection {
    /// The variable an engineer sets with `ssh -o SetEnv=TRACEGATE_BREAK_GLASS="db-01 down, INC-99"`.
    static let breakGlassVariable = "TRACEGATE_BREAK_GLASS"

    /// Turns the connection's decision into a break-glass one for `reason`; false when the
    /// session was refused instead (its refusal is set on `bridge`).
    func breakGlass(for bridge: ChannelBridge, reason: String) -> Bool {
        if breakGlassReview != nil { return true }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            bridge.refuse(.breakGlassWithoutReason)
            return false
        }
        guard let user = context.user, let request = context.request else {
            bridge.refuse(.breakGlassWithoutReason)
            return false
        }
        let access = AccessRequest(request: request, user: user, time: Date(), sourceAddress: context.clientAddress,
                                   ticket: context.ticket ?? bridge.ticket)
        guard let rule = settings.policy.breakGlassRule(for: access), let target = settings.policy.target(named: request.target),
              let login = request.login ?? target.defaultLogin
        else {
            let refusal = Refusal.noBreakGlass(user: user.name, login: request.login ?? "?", target: request.target)
            journal.requestRefused(context, refusal: refusal)
            bridge.refuse(refusal)
            return false
        }
        context.target = target
        context.login = login
        let reviewID = "b-" + String(Self.makeApprovalID().dropFirst(2))
        do {
            try journal.breakGlassOpened(context, reviewID: reviewID, reason: reason, rule: rule)
        } catch {
            bridge.refuse(.auditUnavailable)
            return false
        }
        breakGlassReview = reviewID
        // On a cluster the item is shared (through the feed, after its event is durable), so
        // that the reviewers may close it through any node; read back as the trail holds it.
        if let exchange = runtime.reviewExchange, let item = try? runtime.auditStore.review(id: reviewID) {
            exchange.reviewOpened(item)
        }
        phase = .authorized(.allowed(request: access, target: target, login: login, grant: rule.grant))
        let reviewers = rule.reviewers.map { ApprovalRule(approvers: $0).approversDescription } ?? (target.owner ?? "the target's owner")
        bridge.writeLine("tracegate: BREAK-GLASS session on \(login)@\(target.name) (reason: \(SafeText.quoted(reason, limit: 200))); "
            + "it is recorded, and review \(reviewID) is open until \(reviewers) has looked at it")
        let listen = settings.configuration.listen
        runtime.notifier.send([
            "event": "breakglass.opened", "id": reviewID, "user": user.name, "organization": user.organization,
            "target": target.name, "login": login, "reason": reason, "source": context.clientAddress,
            "reviewers": reviewers, "rule": rule.name,
            "review_with": "ssh -p \(listen.port) \(listen.host) review \(reviewID) --accept TEXT",
        ], with: settings.configuration.notify)
        return true
    }

    /// On a terminal, a denial that a `break_glass:` entry could lift is followed by the offer to
    /// break the glass with a reason (an empty line keeps the denial). Without a terminal the
    /// reason comes only with TRACEGATE_BREAK_GLASS.
    func offerBreakGlass(for command: SessionCommand, on bridge: ChannelBridge, after refusal: Refusal) -> Bool {
        guard case .denied = refusal, bridge.terminal != nil, breakGlassReview == nil,
              let user = context.user, let request = context.request,
              settings.policy.breakGlassRule(for: AccessRequest(
                  request: request, user: user, time: Date(), sourceAddress: context.clientAddress)) != nil
        else { return false }
        bridge.askForBreakGlassReason(
            for: command,
            prompt: "\(refusal.message)\r\ntracegate: a break-glass entry lets you in with a reason; the session is flagged "
                + "and reviewed by the other organisation. Reason (empty to leave): ",
            otherwise: refusal)
        return true
    }

    /// After a reload: a break-glass connection stays only while a break-glass entry still lets it in.
    func recheckBreakGlass(_ access: AccessRequest) {
        guard settings.policy.breakGlassRule(for: access) == nil else { return }
        let revoked = Refusal.noBreakGlass(user: access.user.name, login: context.login ?? "?", target: access.request.target)
        _ = record(.refused(revoked))
        phase = .authorized(.refused(revoked))
        for bridge in bridges { bridge.refuse(revoked) }
    }
}
