/// The second factor's events. None ever carries a code or a secret.
package enum SecondFactorAttemptResult: String, Sendable, CaseIterable {
    /// A right code, accepted.
    case accepted
    /// A code that is not the user's current one.
    case wrong
    /// The right code (or an older one) again, already accepted on this or another connection.
    case replayed
    /// No code asked: a good code from the same address within the reuse window.
    case reused
    /// A code is required but the user has no enrolled factor.
    case notEnrolled = "not_enrolled"
    /// A code was asked for and the client left without answering (BatchMode, no terminal).
    case unanswered
    /// The factor could not be checked (store or key failure): refused, fail closed.
    case unavailable
}

extension AuditEvent {
    /// `mfa.attempt`: a verification code on a connection, by its outcome; `attempt` counts
    /// the codes typed on this connection. `secondFactor` is set once the factor is met.
    package static func mfaAttempt(
        _ context: AuditContext, result: SecondFactorAttemptResult, attempt: Int? = nil, secondFactor: String? = nil,
        reason: String? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [AuditDetailKey.method: .string("keyboard-interactive")]
        if let attempt { details[AuditDetailKey.mfaAttemptNumber] = AuditValue(attempt) }
        if let secondFactor { details[AuditDetailKey.secondFactor] = .string(secondFactor) }
        return AuditEvent(.mfaAttempt, context: context, result: result.rawValue, reason: reason, details: details)
    }

    /// `mfa.enrol` from the gateway shell: `enrolled`, or `refused` with the reason (no window,
    /// wrong confirmation code).
    package static func mfaEnrol(_ context: AuditContext, enrolled: Bool, reason: String? = nil) -> AuditEvent {
        AuditEvent(.mfaEnrol, context: context, result: enrolled ? "enrolled" : "refused", reason: reason)
    }

    /// `mfa.reset` by an operator on the gateway host (`tracegate mfa reset`): `user` is the
    /// engineer whose factor ends; `by`/`uid` the Unix account that ran the command.
    package static func mfaReset(
        user: String, by operatorName: String, uid: Int, windowClosesAt: AuditTimestamp?, secretRemoved: Bool
    ) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.uid: AuditValue(uid),
            "by": .string(operatorName),
            AuditDetailKey.secretRemoved: .bool(secretRemoved),
        ]
        if let windowClosesAt { details[AuditDetailKey.windowClosesAt] = .string(windowClosesAt.iso8601) }
        return AuditEvent(kind: .mfaReset, user: user, result: windowClosesAt == nil ? "removed" : "window_opened",
                          details: details)
    }
}
