/// One fact for the audit trail, as the gateway (or the CLI) reports it.
///
/// Plain values only: Audit must not know SSH, Gateway or Policy types. Optional fields are
/// `nil` when unknown at that moment; every connection-scoped event should carry what the
/// connection knows so far (see `AuditContext`), so that each row reads on its own.
/// The writer adds the id, the hash chain and, unless `time` is set, the time.
package struct AuditEvent: Sendable, Hashable {
    package var kind: AuditEventKind
    /// When it happened; `nil` means "now", stamped when the writer accepts the event.
    package var time: AuditTimestamp?
    package var connectionID: String?
    package var sessionID: String?
    package var user: String?
    package var organization: String?
    package var sourceAddress: String?
    package var sourcePort: Int?
    package var clientVersion: String?
    package var keyType: String?
    package var keyFingerprint: String?
    package var target: String?
    /// The organisation owning the target, as configured when the event happened.
    package var targetOwner: String?
    /// The target's labels as configured when the event happened (a later config change must
    /// not rewrite history).
    package var targetLabels: [String: String]
    package var login: String?
    package var ticket: String?
    package var result: String?
    package var reason: String?
    /// Kind-specific facts; the keys the writer interprets are in `AuditDetailKey`.
    package var details: [String: AuditValue]

    package init(
        kind: AuditEventKind,
        time: AuditTimestamp? = nil,
        connectionID: String? = nil,
        sessionID: String? = nil,
        user: String? = nil,
        organization: String? = nil,
        sourceAddress: String? = nil,
        sourcePort: Int? = nil,
        clientVersion: String? = nil,
        keyType: String? = nil,
        keyFingerprint: String? = nil,
        target: String? = nil,
        targetOwner: String? = nil,
        targetLabels: [String: String] = [:],
        login: String? = nil,
        ticket: String? = nil,
        result: String? = nil,
        reason: String? = nil,
        details: [String: AuditValue] = [:]
    ) {
        self.kind = kind
        self.time = time
        self.connectionID = connectionID
        self.sessionID = sessionID
        self.user = user
        self.organization = organization
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.clientVersion = clientVersion
        self.keyType = keyType
        self.keyFingerprint = keyFingerprint
        self.target = target
        self.targetOwner = targetOwner
        self.targetLabels = targetLabels
        self.login = login
        self.ticket = ticket
        self.result = result
        self.reason = reason
        self.details = details
    }

    /// An event of `kind` carrying everything `context` knows about its connection.
    package init(
        _ kind: AuditEventKind,
        context: AuditContext,
        sessionID: String? = nil,
        result: String? = nil,
        reason: String? = nil,
        details: [String: AuditValue] = [:]
    ) {
        self.init(
            kind: kind,
            connectionID: context.connectionID,
            sessionID: sessionID,
            user: context.user,
            organization: context.organization,
            sourceAddress: context.sourceAddress,
            sourcePort: context.sourcePort,
            clientVersion: context.clientVersion,
            keyType: context.keyType,
            keyFingerprint: context.keyFingerprint,
            target: context.target,
            targetOwner: context.targetOwner,
            targetLabels: context.targetLabels,
            login: context.login,
            ticket: context.ticket,
            result: result,
            reason: reason,
            details: details
        )
    }
}
