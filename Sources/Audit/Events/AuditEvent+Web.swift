extension AuditEvent {
    /// `audit.query` from the web page: a sign-in, a sign-out, a refused link or a page read.
    /// The user is the signed-in gateway user (not a Unix account, so no `uid`); `command`
    /// says what was read (`web /c/c-…`) and `filter` the page's conditions. Link tokens and
    /// cookies never appear here, only the first characters of their SHA-256 (`session`).
    package static func webQuery(
        user: String?, organization: String?, sourceAddress: String?, command: String, filter: [String: AuditValue],
        result: String = "ok", reason: String? = nil, session: String? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.queryCommand: .string(command),
            AuditDetailKey.filter: .object(filter),
            AuditDetailKey.via: .string("web"),
        ]
        if let session { details[AuditDetailKey.webSession] = .string(session) }
        return AuditEvent(kind: .auditQuery, user: user, organization: organization, sourceAddress: sourceAddress,
                          result: result, reason: reason, details: details)
    }
}
