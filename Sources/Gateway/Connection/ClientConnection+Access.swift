import Audit
import Foundation
import Policy
import SSH

/// Access decisions: the user name and ticket against the policy, each decision made
/// durable in the audit trail before anything it allows can happen.
extension ClientConnection {
    /// The variable an engineer sets with `ssh -o SetEnv=TRACEGATE_TICKET=INC-123`.
    static let ticketVariable = "TRACEGATE_TICKET"

    /// After a verified public key: decide what the user name asks for, then whether a
    /// verification code must follow (`partial`: keyboard-interactive is next) or the
    /// connection is authenticated now.
    func authorizeVerifiedUser(_ user: User, username: String) -> ServerReply {
        let outcome = decideAccess(for: user, username: username)
        switch secondFactorStep(for: user, outcome: outcome) {
        case .proceed(let outcome):
            completeAuthentication(with: outcome)
            return .accept
        case .askForCode(let pending):
            pendingSecondFactor = pending
            // OpenSSH in BatchMode (or with no terminal and no askpass) never tries
            // keyboard-interactive, so no prompt or instruction could reach it: the banner,
            // printed by every OpenSSH client, is where it learns why it is refused.
            server.sendBanner(Self.secondFactorBanner)
            return .partial
        }
    }

    /// Authenticated (by key, and code where asked): the decision is made durable and the
    /// connection moves on to its sessions.
    func completeAuthentication(with outcome: AccessOutcome) {
        isAuthenticated = true
        runtime.admission.authenticated(source: context.clientAddress)
        _ = oversightControl()
        locksGeneration = runtime.locks.generation
        phase = .authorized(record(outcome))
    }

    /// The outcome, not yet recorded: the second factor's result goes into the same event.
    private func decideAccess(for user: User, username: String) -> AccessOutcome {
        let request: TargetRequest
        do {
            request = try TargetRequest.parse(username: username)
        } catch {
            return .refused(.malformedUsername(error))
        }
        context.request = request
        // A locked user reaches nothing, not even the gateway's shell.
        if let refusal = lockRefusal(user: user.name, target: nil) {
            context.target = settings.policy.target(named: request.target)
            return .refused(refusal)
        }
        // A bare name that is no target opens the gateway's own shell ("ssh gateway").
        if request.login == nil && settings.policy.target(named: request.target) == nil {
            return .gatewayShell
        }
        let access = AccessRequest(request: request, user: user, time: Date(), sourceAddress: context.clientAddress)
        let decision = settings.policy.authorize(access)
        if case .denied(let reason) = decision, reason.isTicketRequired {
            context.target = settings.policy.target(named: request.target)
            return .ticketExpected(request: access)
        }
        return outcome(of: decision, for: access)
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
            // Decided after authentication (a ticket chose this grant): no code, no access. At
            // authentication itself the code is still to come (`secondFactorStep`).
            if isAuthenticated && secondFactorMissing(for: grant, user: access.user) {
                return .refused(.secondFactorRequired)
            }
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
