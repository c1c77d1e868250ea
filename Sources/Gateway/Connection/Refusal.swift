import Audit
import Policy

/// Why the gateway will not carry a session, as the one line the engineer sees on
/// stderr. Internal detail (libssh errors, stack traces) stays in logs and audit.
package enum Refusal: Error, Sendable, Equatable {
    case denied(DenialReason)
    case malformedUsername(UsernameError)
    case targetUnreachable(target: String, reason: String)
    case hostKeyMismatch(target: String, seen: String)
    case hostKeyNotPinned(target: String, seen: String)
    case upstreamLoginRefused(target: String, login: String)
    /// The target accepted no certificate the gateway signed (it does not trust the CA, or
    /// the principal does not match the login).
    case upstreamCertificateRefused(target: String, login: String)
    /// The gateway could not sign a certificate (CA unreadable, no serial).
    case certificateUnavailable
    /// A terminal on a connection whose certificate was issued without `permit-pty`.
    case certificateWithoutTerminal
    case agentForwarding
    case x11Forwarding
    case remoteForwarding
    case portForwarding
    case upstreamLost(target: String)
    case shuttingDown
    /// The notice at the start of a graceful stop: the session may go on until then.
    case shuttingDownSoon(seconds: Int)
    case auditUnavailable
    case commandRefused(String)
    case recordingsFull
    case recordingUnavailable
    /// A malformed request that would have started a session (e.g. a subsystem name with control characters).
    case invalidRequest(String)
    /// The recording of a running session could not be written (disk full): it is closed.
    case recordingFailed(reason: String)
    case sessionExpired(reason: String)
    case sessionEndingSoon(reason: String)
    case tooManyChannels(limit: Int)
    case tooManySessions(user: String, limit: Int)
    /// The policy asks for a verification code and the user has no enrolled factor.
    case secondFactorNotEnrolled(user: String)
    /// A grant asks for a code this connection did not give (it was decided after authentication).
    case secondFactorRequired
    /// The second factor could not be checked (store or key failure): fail closed.
    case secondFactorUnavailable
    /// An approver said no to the session's approval request.
    case approvalDenied(id: String, approver: String, reason: String)
    /// Nobody decided within the grant's `wait`.
    case approvalExpired(id: String, wait: String)
    /// The engineer withdrew the request (Ctrl-C) before anyone decided.
    case approvalWithdrawn(id: String)
    /// TRACEGATE_BREAK_GLASS was set without a reason.
    case breakGlassWithoutReason
    /// No `break_glass:` entry lets the user in.
    case noBreakGlass(user: String, login: String, target: String)
    /// A grant's file rules refuse this transfer (legacy scp or rsync in a denied direction);
    /// the message names the rule.
    case fileRule(String)
    /// Someone overseeing the session ended it (`terminate`, or `t` while watching).
    case terminated(SessionTermination)
    /// A lock on the user or the target: running sessions end, new ones are refused.
    case locked(LockRecord, ended: Bool)
    /// A moderated grant (`require_watcher`) and nobody it names watches.
    case watcherRequired(who: String)
    case watcherNeverCame(who: String, waited: String)

    package var message: String {
        switch self {
        case .denied(let reason): reason.message
        case .malformedUsername(let error): "tracegate: \(error.description)"
        case .targetUnreachable(let target, let reason): "tracegate: target \(target) is unreachable (\(reason))"
        case .hostKeyMismatch(let target, let seen):
            "tracegate: host key of \(target) does not match the pinned key (seen \(seen))"
        case .hostKeyNotPinned(let target, let seen):
            "tracegate: host key of \(target) is not pinned (seen \(seen)); an operator must run: tracegate target trust \(target)"
        case .upstreamLoginRefused(let target, let login):
            "tracegate: \(target) refused the gateway's key for \(login); install it with: tracegate keys show"
        case .upstreamCertificateRefused(let target, let login):
            "tracegate: \(target) refused the gateway's certificate for \(login); install the CA line: tracegate keys show --ca"
        case .certificateUnavailable: "tracegate: the gateway cannot sign a certificate for the target; an operator must check its user CA"
        case .certificateWithoutTerminal:
            "tracegate: this connection's certificate allows no terminal (its first session had none); connect again for a terminal"
        case .agentForwarding: "tracegate: agent forwarding is not allowed"
        case .x11Forwarding: "tracegate: X11 forwarding is not allowed"
        case .remoteForwarding: "tracegate: remote port forwarding is not allowed"
        case .portForwarding: "tracegate: port forwarding is not allowed"
        case .upstreamLost(let target): "tracegate: connection to \(target) lost"
        case .shuttingDown: "tracegate: the gateway is shutting down"
        case .shuttingDownSoon(let seconds): "tracegate: the gateway is shutting down; this session ends in \(seconds) s"
        case .auditUnavailable: "tracegate: the audit trail cannot be written; no new session can start"
        case .commandRefused(let kind): "tracegate: the target refused the \(kind) request"
        case .recordingsFull: "tracegate: the recordings disk is full; no new session can start"
        case .recordingUnavailable: "tracegate: the session cannot be recorded; no new session can start"
        case .invalidRequest(let what): "tracegate: request refused: \(what)"
        case .recordingFailed(let reason): "tracegate: this session can no longer be recorded (\(reason)); it is closed"
        case .sessionExpired(let reason): "tracegate: session ended: \(reason)"
        case .sessionEndingSoon(let reason): "tracegate: this session ends in 1 minute: \(reason)"
        case .tooManyChannels(let limit): "tracegate: too many channels open on this connection (limit \(limit))"
        case .tooManySessions(let user, let limit): "tracegate: \(user) has too many sessions open (limit \(limit))"
        case .secondFactorNotEnrolled(let user):
            "tracegate: this access needs a verification code and \(user) has none enrolled; ask an operator to run `tracegate mfa reset \(user)`, then run `mfa enroll` at the gateway"
        case .secondFactorRequired:
            "tracegate: this access needs a verification code; connect again from a terminal (ssh -o BatchMode=no)"
        case .secondFactorUnavailable: "tracegate: the verification code cannot be checked now; try again later"
        case .approvalDenied(let id, let approver, let reason): "tracegate: request \(id) denied by \(approver): \(reason)"
        case .approvalExpired(let id, let wait): "tracegate: request \(id) was not decided within \(wait); it has expired"
        case .approvalWithdrawn(let id): "tracegate: request \(id) withdrawn"
        case .breakGlassWithoutReason: "tracegate: break-glass needs a reason: ssh -o SetEnv=TRACEGATE_BREAK_GLASS=\"what is down, INC-…\" …"
        case .noBreakGlass(let user, let login, let target): "tracegate: no break-glass entry lets \(user) in as \(login) on \(target)"
        case .fileRule(let message): message
        case .terminated(let termination):
            "tracegate: this session was ended by \(termination.organization.map { "\(termination.by) (\($0))" } ?? termination.by): \(termination.reason)"
        case .watcherRequired(let who):
            "tracegate: this grant requires a watcher (\(who)): commands and file transfers run only while one watches your session"
        case .watcherNeverCame(let who, let waited):
            "tracegate: session ended: no watcher (\(who)) came within \(waited)"
        case .locked(let lock, let ended):
            (ended ? "tracegate: this session was ended: " : "tracegate: ") + LockText.sentence(lock)
        }
    }

    /// A stable short code for logs and audit rows.
    package var code: String {
        switch self {
        case .denied(let reason): reason.code
        case .malformedUsername: "malformed_username"
        case .targetUnreachable: "target_unreachable"
        case .hostKeyMismatch: "host_key_mismatch"
        case .hostKeyNotPinned: "host_key_not_pinned"
        case .upstreamLoginRefused: "upstream_login_refused"
        case .upstreamCertificateRefused: "upstream_certificate_refused"
        case .certificateUnavailable: "certificate_unavailable"
        case .certificateWithoutTerminal: "certificate_without_terminal"
        case .agentForwarding: "agent_forwarding"
        case .x11Forwarding: "x11_forwarding"
        case .remoteForwarding: "remote_forwarding"
        case .portForwarding: "port_forwarding"
        case .upstreamLost: "target_dropped"
        case .shuttingDown: "shutdown"
        case .shuttingDownSoon: "shutdown_notice"
        case .auditUnavailable: "audit_unavailable"
        case .commandRefused: "command_refused"
        case .recordingsFull: "recordings_full"
        case .recordingUnavailable: "recording_unavailable"
        case .invalidRequest: "invalid_request"
        case .recordingFailed: "recording_failed"
        case .sessionExpired: "session_expired"
        case .sessionEndingSoon: "session_ending"
        case .tooManyChannels: "too_many_channels"
        case .tooManySessions: "too_many_sessions"
        case .secondFactorNotEnrolled: "mfa_not_enrolled"
        case .secondFactorRequired: "mfa_required"
        case .secondFactorUnavailable: "mfa_unavailable"
        case .approvalDenied: "approval_denied"
        case .approvalExpired: "approval_expired"
        case .approvalWithdrawn: "approval_withdrawn"
        case .breakGlassWithoutReason: "break_glass_without_reason"
        case .noBreakGlass: "no_break_glass"
        case .fileRule: "file_denied"
        case .terminated: "terminated"
        case .locked: "locked"
        case .watcherRequired: "watcher_required"
        case .watcherNeverCame: "watcher_timeout"
        }
    }
}
