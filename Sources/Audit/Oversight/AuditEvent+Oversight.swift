/// The oversight acts (issue 15). Each carries the caller's own connection context (who
/// acted, from where); the session acted upon is `session_id`, its owner and target are in
/// the details, so that the caller's connection row is not rewritten with someone else's target.
extension AuditEvent {
    /// `oversight.list`: `live` showed `count` running sessions to the caller.
    package static func oversightList(_ context: AuditContext, count: Int) -> AuditEvent {
        AuditEvent(.oversightList, context: context, result: "ok", details: [
            AuditDetailKey.oversightCommand: "live", AuditDetailKey.sessionCount: AuditValue(count),
        ])
    }

    /// `oversight.refused`: `command` was refused; `reason` is the line the caller read.
    package static func oversightRefused(_ context: AuditContext, command: String, sessionID: String?,
                                         reason: String) -> AuditEvent {
        AuditEvent(.oversightRefused, context: context, sessionID: sessionID, result: "denied", reason: reason,
                   details: [AuditDetailKey.oversightCommand: .string(command)])
    }

    /// `watch.start` and `watch.end`.
    package static func watch(_ context: AuditContext, started: Bool, session: OverseenSession,
                              rule: String?) -> AuditEvent {
        var details = session.details
        if let rule { details[AuditDetailKey.oversightRule] = .string(rule) }
        return AuditEvent(started ? .watchStart : .watchEnd, context: context, sessionID: session.id, result: "ok",
                          details: details)
    }

    /// `session.terminate`: the caller asked the gateway to end `session`; the session's own
    /// `session.close` follows with result `terminated`.
    package static func sessionTerminate(_ context: AuditContext, session: OverseenSession, reason: String,
                                         rule: String?) -> AuditEvent {
        var details = session.details
        if let rule { details[AuditDetailKey.oversightRule] = .string(rule) }
        details[AuditDetailKey.terminationReason] = .string(reason)
        return AuditEvent(.sessionTerminate, context: context, sessionID: session.id, result: "ok", reason: reason,
                          details: details)
    }

    /// `lock.create`: kept in the `locks` table by the writer, in the same transaction.
    package static func lockCreate(_ context: AuditContext, lock: LockRecord, rule: String?) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.lockID: .string(lock.id),
            AuditDetailKey.lockKind: .string(lock.kind.rawValue),
            AuditDetailKey.lockName: .string(lock.name),
            AuditDetailKey.lockExpiresAt: AuditValue(lock.expiresAt?.iso8601),
        ]
        if let rule { details[AuditDetailKey.oversightRule] = .string(rule) }
        return AuditEvent(.lockCreate, context: context, result: "ok", reason: lock.reason, details: details)
    }

    /// `lock.remove`: the lock `id` is lifted from now on.
    package static func lockRemove(_ context: AuditContext, lock: LockRecord, rule: String?) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.lockID: .string(lock.id),
            AuditDetailKey.lockKind: .string(lock.kind.rawValue),
            AuditDetailKey.lockName: .string(lock.name),
        ]
        if let rule { details[AuditDetailKey.oversightRule] = .string(rule) }
        return AuditEvent(.lockRemove, context: context, result: "ok", reason: lock.reason, details: details)
    }
}

/// The running session an oversight act is about, as the trail names it.
package struct OverseenSession: Sendable, Hashable {
    package var id: String
    package var user: String
    package var organization: String
    package var target: String?

    package init(id: String, user: String, organization: String, target: String?) {
        self.id = id
        self.user = user
        self.organization = organization
        self.target = target
    }

    var details: [String: AuditValue] {
        [AuditDetailKey.sessionOwner: .string(user), "session_org": .string(organization),
         AuditDetailKey.sessionTarget: AuditValue(target)]
    }
}
