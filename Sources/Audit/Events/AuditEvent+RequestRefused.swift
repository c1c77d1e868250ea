extension AuditEvent {
    /// `request.refused`: the gateway refused one request of a connection (an environment
    /// variable, a terminal size, a subsystem name) and the connection went on. Unlike a
    /// denied `access.decision`, it does not change the connection's outcome.
    package static func requestRefused(
        _ context: AuditContext, sessionID: String?, request: String, reason: String
    ) -> AuditEvent {
        AuditEvent(.requestRefused, context: context, sessionID: sessionID, result: AccessDecisionResult.denied.rawValue,
                   reason: reason, details: [AuditDetailKey.request: .string(request)])
    }
}
