import Foundation
import Policy

/// A running connection under its grant: sessions end when the grant's hours, validity or
/// max_session run out (with a warning a minute before), and a reload that revokes the
/// grant ends them at once.
extension ClientConnection {
    static let deadlineWarning: TimeInterval = 60

    func checkSessionDeadlines() {
        let now = Date()
        // A tunnel carries the engineer's own SSH: no place for a warning, only the end.
        for tunnel in tunnels {
            guard let deadline = tunnel.deadline, now >= deadline.date else { continue }
            journal.requestRefused(context, refusal: .sessionExpired(reason: deadline.reason))
            tunnel.deadline = nil
            tunnel.end()
        }
        let grace = settings.limits.closeGrace
        for bridge in bridges { bridge.stopWaitingForClose(after: grace, now: .now) }
        for bridge in bridges where bridge.isRelaying {
            guard let deadline = bridge.deadline else { continue }
            if now >= deadline.date {
                let ended = Refusal.sessionExpired(reason: deadline.reason)
                journal.requestRefused(context, refusal: ended)
                bridge.refuse(ended)
            } else if !bridge.warnedOfDeadline && now >= deadline.date - Self.deadlineWarning {
                bridge.warnedOfDeadline = true
                bridge.notify(.sessionEndingSoon(reason: deadline.reason))
            }
        }
    }

    /// After a reload, judges the connection again under the new policy.
    func checkPolicy() {
        guard let (newSettings, generation) = runtime.settings(newerThan: settingsGeneration) else { return }
        settings = newSettings
        settingsGeneration = generation
        recheckTunnels()
        guard case .authorized(.allowed(var access, _, _, let grant)) = phase else { return }
        access.time = Date()
        access.ticket = context.ticket
        if breakGlassReview != nil {
            recheckBreakGlass(access)
            return
        }
        switch settings.policy.stillAllows(access, grantName: grant.name) {
        case .allowed(_, _, let newGrant) where secondFactorMissing(for: newGrant, user: access.user):
            // A reload that now asks for a code (require_mfa, mfa: required) ends sessions that gave none.
            _ = record(.refused(.secondFactorRequired))
            phase = .authorized(.refused(.secondFactorRequired))
            for bridge in bridges { bridge.refuse(.secondFactorRequired) }
        case .allowed(let target, let login, let newGrant):
            phase = .authorized(.allowed(request: access, target: target, login: login, grant: newGrant))
            for bridge in bridges where bridge.isRelaying {
                bridge.deadline = newGrant.deadline(startedAt: bridge.startedAt ?? Date())
            }
        case .denied(let reason):
            let revoked = Refusal.denied(reason)
            _ = record(.refused(revoked))
            phase = .authorized(.refused(revoked))
            for bridge in bridges { bridge.refuse(revoked) }
        }
    }

    /// Tunnels are judged on their own grants (`mode: tunnel`), whatever the user name said.
    private func recheckTunnels() {
        guard let user = context.user else { return }
        for tunnel in tunnels {
            let decision = settings.policy.stillAllowsTunnel(
                user: user, target: tunnel.target, time: Date(), sourceAddress: context.clientAddress,
                ticket: context.ticket)
            switch decision {
            case .denied(let reason):
                journal.requestRefused(context, refusal: .denied(reason))
                tunnel.end()
            case .allowed(_, let grant) where secondFactorMissing(for: grant, user: user):
                journal.requestRefused(context, refusal: .secondFactorRequired)
                tunnel.end()
            case .allowed:
                break
            }
        }
    }
}
