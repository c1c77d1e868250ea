import Audit
import Foundation
import OneTimeCode
import Policy
import SSH

/// The access outcome of a verified key, held back until the code is right.
struct PendingSecondFactor {
    var outcome: AccessOutcome
    var user: User
    var secret: [UInt8]
    var wrongCodes = 0
    var answered = false
}

enum SecondFactorStep {
    /// No code to ask (or none possible): authenticate with this outcome now.
    case proceed(AccessOutcome)
    /// Partial success: keyboard-interactive must bring the code.
    case askForCode(PendingSecondFactor)
}

/// The second factor after the key (issue 13): whether the policy or an enrolment asks for a
/// code, the reuse window, and the keyboard-interactive round that checks it.
///
/// Where a code is asked: `mfa: required` on the user (its group, its organisation) or
/// `require_mfa: true` on the grant the user name leads to. The gateway's own shell asks
/// whenever the user is enrolled, so that every command there that changes something is
/// covered; a required user who is not enrolled yet reaches it without a code, to enrol.
extension ClientConnection {
    static let maxWrongCodes = 3
    static let secondFactorBanner =
        "tracegate: this access needs a verification code; connect from a terminal (ssh -o BatchMode=no)\n"

    func secondFactorStep(for user: User, outcome: AccessOutcome) -> SecondFactorStep {
        let policy = settings.policy
        let userRequired = policy.requiresSecondFactor(user)
        // What the policy alone decides; nil: it depends on whether the user is enrolled. The
        // store is read only when a code may be needed: when it cannot be read (a cluster's
        // PostgreSQL down), logins that need no code go on, and the others are refused.
        let policyRequires: Bool? = switch outcome {
        case .gatewayShell: nil
        case .allowed(_, _, _, let grant): userRequired || grant.requireSecondFactor
        case .ticketExpected(let access):
            userRequired || policy.targetMayRequireSecondFactor(user, target: access.request.target)
        case .refused: userRequired ? nil : false
        }
        guard policyRequires != false else {
            context.secondFactor = .notRequired
            return .proceed(outcome)
        }
        let enrolment: SecondFactorEnrolment?
        do {
            enrolment = try runtime.secondFactors.enrolment(of: user.name)
        } catch {
            journal.secondFactorAttempt(context, result: .unavailable, reason: "\(error)")
            return .proceed(.refused(.secondFactorUnavailable))
        }
        guard policyRequires ?? (enrolment != nil) else {
            context.secondFactor = .notRequired
            return .proceed(outcome)
        }
        guard let enrolment else {
            // Required and not met: the row's second_factor stays empty, the refusal says why.
            journal.secondFactorAttempt(context, result: .notEnrolled)
            return .proceed(.refused(.secondFactorNotEnrolled(user: user.name)))
        }
        if let reuse = policy.secondFactorReuse, reuse > .zero,
           let last = try? runtime.secondFactors.lastVerification(of: user.name, from: context.clientAddress),
           Date().timeIntervalSince(last.verifiedAt) < Double(reuse.components.seconds)
        {
            let reused = SecondFactorOutcome.reused(since: last.verifiedAt, connection: last.connectionID)
            context.secondFactor = reused
            journal.secondFactorAttempt(context, result: .reused, secondFactor: reused.auditText)
            return .proceed(outcome)
        }
        return .askForCode(PendingSecondFactor(outcome: outcome, user: user, secret: enrolment.secret))
    }

    /// Whether `grant` (or the user's own `mfa: required`) asks for a code this connection did
    /// not give: a ticket or a tunnel picks its grant only after authentication.
    func secondFactorMissing(for grant: Grant, user: User) -> Bool {
        guard grant.requireSecondFactor || settings.policy.requiresSecondFactor(user) else { return false }
        return !(context.secondFactor?.isMet ?? false)
    }

    func secondFactorPrompt(again: Bool = false) -> ServerReply {
        // After the third wrong code the connection is ending: no further round.
        guard let pending = pendingSecondFactor, endReason == nil else { return .deny }
        return .prompt(KeyboardInteractivePrompt(
            name: "",
            instruction: again ? "That code was not accepted." : "",
            prompt: "Verification code for \(pending.user.name): "))
    }

    func secondFactorAnswered(_ answers: [String]) -> ServerReply {
        guard var pending = pendingSecondFactor, endReason == nil else { return .deny }
        pending.answered = true
        pendingSecondFactor = pending
        let now = Date()
        guard let typed = answers.first, let step = TOTP(secret: pending.secret).matchingStep(of: typed, at: now) else {
            return refuseCode(result: .wrong)
        }
        do {
            // Once per user, across connections: this step or an older one again is a replay.
            guard try runtime.secondFactors.accept(step: step, for: pending.user.name, at: now) else {
                return refuseCode(result: .replayed)
            }
            try runtime.secondFactors.recordVerification(
                of: pending.user.name, from: context.clientAddress, connectionID: context.id, at: now)
        } catch {
            journal.secondFactorAttempt(context, result: .unavailable, attempt: pending.wrongCodes + 1, reason: "\(error)")
            endReason = .error
            return .deny
        }
        pendingSecondFactor = nil
        context.secondFactor = .code
        journal.secondFactorAttempt(context, result: .accepted, attempt: pending.wrongCodes + 1, secondFactor: "code")
        completeAuthentication(with: pending.outcome)
        return .accept
    }

    /// A wrong or replayed code: an authentication failure like a wrong key (it counts for the
    /// source's penalty if the connection never authenticates); the third ends the connection.
    private func refuseCode(result: SecondFactorAttemptResult) -> ServerReply {
        guard var pending = pendingSecondFactor else { return .deny }
        pending.wrongCodes += 1
        pendingSecondFactor = pending
        authenticationAttempts += 1
        journal.secondFactorAttempt(context, result: result, attempt: pending.wrongCodes)
        guard pending.wrongCodes < Self.maxWrongCodes else {
            journal.protocolError(context, "too many wrong verification codes")
            endReason = .tooManyAttempts
            return .deny
        }
        return secondFactorPrompt(again: true)
    }

    /// At teardown: a code was asked for and never given (BatchMode, no terminal, or the
    /// engineer gave up at the prompt): in the trail with the reason.
    func secondFactorUnanswered() {
        guard let pending = pendingSecondFactor, !pending.answered else { return }
        journal.secondFactorAttempt(
            context, result: .unanswered,
            reason: "a verification code was asked for and the client did not answer (BatchMode or no terminal?)")
    }
}
