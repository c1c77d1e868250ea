import Audit
import Foundation
import Policy
import SSH

/// Access decisions: the user name and ticket against the policy, each decision made
/// durable in the audit trail before anything it allows can happen.
extension ClientConnection {
    /// The variable an engineer sets with `ssh -o SetEnv=TRACEGATE_TICKET=INC-123`.
    static let ticketVariable = "TRACEGATE_TICKET"

    /// After a verified public key: authenticated; decide what the user name asks for.
    func authorizeVerifiedUser(_ user: User, username: String) -> ServerReply {
        isAuthenticated = true
        runtime.admission.authenticated(source: context.clientAddress)
        _ = oversightControl()
        locksGeneration = runtime.locks.generation
        phase = .authorized(decideAccess(for: user, username: username))
        return .accept
    }

    private func decideAccess(for user: User, username: String) -> AccessOutcome {
        let request: TargetRequest
        do {
            request = try TargetRequest.parse(username: username)
        } catch {
            return record(.refused(.malformedUsername(error)))
        }
        context.request = request
        // A locked user reaches nothing, not even the gateway's shell.
        if let refusal = lockRefusal(user: user.name, target: nil) {
            context.target = settings.policy.target(named: request.target)
            return record(.refused(refusal))
        }
        // A bare name that is no target opens the gateway's own shell ("ssh gateway").
        if request.login == nil && settings.policy.target(named: request.target) == nil {
            return record(.gatewayShell)
        }
        let access = AccessRequest(request: request, user: user, time: Date(), sourceAddress: context.clientAddress)
        let decision = settings.policy.authorize(access)
        if case .denied(let reason) = decision, reason.isTicketRequired {
            context.target = settings.policy.target(named: request.target)
            return .ticketExpected(request: access)
        }
        return record(outcome(of: decision, for: access))
    }

    /// At session start for `.ticketExpected`, with the ticket the session brought.
    func decide(_ access: AccessRequest, withTicket ticket: String?) -> AccessOutcome {
        guard let ticket, !ticket.isEmpty else { return record(.refused(.denied(.ticketRequired))) }
        var access = access
        access.ticket = ticket
        access.time = Date()
        context.ticket = ticket
        return record(outcome(of: settings.policy.authorize(access), for: access))
    }

    func outcome(of decision: Decision, for access: AccessRequest) -> AccessOutcome {
        switch decision {
        case .allowed(let target, let login, let grant):
            context.target = target
            context.login = login
            if let refusal = lockRefusal(user: access.user.name, target: target.name) { return .refused(refusal) }
            return .allowed(request: access, target: target, login: login, grant: grant)
        case .denied(let reason):
            context.target = settings.policy.target(named: access.request.target)
            context.login = access.request.login ?? context.target?.defaultLogin
            return .refused(.denied(reason))
        }
    }

    /// Makes the decision durable; when the trail cannot be written nothing is allowed.
    func record(_ outcome: AccessOutcome) -> AccessOutcome {
        do {
            switch outcome {
            case .allowed(_, _, _, let grant): try journal.decision(context, allowedBy: grant)
            case .gatewayShell: try journal.decision(context, allowedBy: nil)
            case .refused(let refusal): try journal.decision(context, refused: refusal)
            case .ticketExpected: break
            }
        } catch {
            journal.protocolError(context, "audit trail unavailable: \(error)")
            journal.metrics.connectionRefused(reason: Refusal.auditUnavailable.code)
            return .refused(.auditUnavailable)
        }
        return outcome
    }

    func outOfPhase(_ what: String) -> ServerReply {
        journal.protocolError(context, "\(what) refused in phase \(phase)")
        return .deny
    }
}
