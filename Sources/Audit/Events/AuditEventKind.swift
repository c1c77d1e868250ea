/// Every kind of audit event, by its stable dotted name.
///
/// The raw value is what is stored in `events.kind`, hashed into the chain and matched by
/// auditors' saved queries, so it is part of the on-disk format.
///
/// How to add a kind:
/// 1. Add a case here with a new dotted name (`noun.verb`, lowercase, `_` between words).
///    Never rename or reuse a released name: old rows keep the old one forever.
/// 2. Give it a `summary` below (the switch has no `default:`, so the compiler asks).
/// 3. Decide in `QueryTableUpdater.apply` whether it changes the `connections` or `sessions`
///    rows (again an exhaustive switch), and document its `result`, `reason` and `details`
///    keys in docs/audit-schema.md.
/// No migration is needed: `kind` is free text in the schema.
package enum AuditEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    case gatewayStart = "gateway.start"
    case gatewayStop = "gateway.stop"
    case configLoad = "config.load"
    case configReload = "config.reload"
    case configReject = "config.reject"
    case connectionOpen = "connection.open"
    case authAttempt = "auth.attempt"
    case accessDecision = "access.decision"
    case upstreamConnect = "upstream.connect"
    case channelOpen = "channel.open"
    case sessionClose = "session.close"
    case recordingStop = "recording.stop"
    case connectionClose = "connection.close"
    case auditQuery = "audit.query"
    case requestRefused = "request.refused"
    case penaltyStart = "penalty.start"
    case auditPrune = "audit.prune"
    case mfaAttempt = "mfa.attempt"
    case mfaEnrol = "mfa.enrol"
    case mfaReset = "mfa.reset"
    case approvalRequest = "approval.request"
    case approvalDecision = "approval.decision"
    case approvalWithdraw = "approval.withdraw"
    case breakGlassOpen = "breakglass.open"
    case breakGlassReview = "breakglass.review"
    case fileTransfer = "file.transfer"
    case fileLedgerStop = "file.ledger_stop"
    case oversightList = "oversight.list"
    case oversightRefused = "oversight.refused"
    case watchStart = "watch.start"
    case watchEnd = "watch.end"
    case sessionTerminate = "session.terminate"
    case lockCreate = "lock.create"
    case lockRemove = "lock.remove"
    case proxyRefused = "proxy.refused"

    /// One line for humans: `tracegate audit show` and the schema documentation.
    package var summary: String {
        switch self {
        case .gatewayStart: "the gateway started listening"
        case .gatewayStop: "the gateway stopped"
        case .configLoad: "a configuration was loaded at start"
        case .configReload: "a configuration was reloaded and is now in force"
        case .configReject: "a configuration was rejected; the previous one stays in force"
        case .connectionOpen: "a client connected"
        case .authAttempt: "a client tried to authenticate"
        case .accessDecision: "the policy allowed or denied the requested target and login"
        case .upstreamConnect: "the gateway connected, or failed to connect, to the target"
        case .channelOpen: "a session channel opened (shell, exec, subsystem, forward)"
        case .sessionClose: "a session channel closed"
        case .recordingStop: "a session's recording stopped before the session ended (size cap, write failure)"
        case .connectionClose: "a client connection ended"
        case .auditQuery: "someone read the audit trail"
        case .requestRefused: "a request on a connection was refused (environment, terminal, subsystem) while the connection went on"
        case .penaltyStart: "a source address was penalised: its new connections are refused for a while"
        case .auditPrune: "events older than the retention were about to be removed behind a checkpoint"
        case .mfaAttempt: "a verification code was asked for, given, reused or refused (never the code itself)"
        case .mfaEnrol: "a user enrolled a second factor, or an enrolment was refused"
        case .mfaReset: "an operator removed a user's second factor and opened an enrolment window, or removed it for good"
        case .approvalRequest: "a session waits for an approver's yes (a grant with approval:)"
        case .approvalDecision: "an approver approved or denied a waiting request"
        case .approvalWithdraw: "a waiting request ended undecided: withdrawn by its engineer, expired, or ended by a restart"
        case .breakGlassOpen: "an engineer broke the glass (with a reason): the session skips approval, hours and ticket; a review item opens"
        case .breakGlassReview: "a member of the other organisation accepted or rejected a break-glass review item"
        case .fileTransfer: "a file moved by sftp or scp (path, direction, size, SHA-256), a change to the target's files, or a refusal by a grant's file rules"
        case .fileLedgerStop: "the file ledger stopped following a session (unparsable stream or full queue); the transfer went on"
        case .oversightList: "someone listed the running sessions they may oversee (live)"
        case .oversightRefused: "an oversight command (live, watch, terminate, lock, unlock) was refused for lack of the right"
        case .watchStart: "someone started watching a running session"
        case .watchEnd: "someone stopped watching a running session"
        case .sessionTerminate: "someone ended another person's running session"
        case .lockCreate: "a user or a target was locked: its sessions end and new ones are refused"
        case .lockRemove: "a lock was lifted"
        case .proxyRefused: "a connection was closed before SSH for its PROXY protocol header: one from an untrusted address, or a missing or invalid one from a trusted proxy"
        }
    }
}
