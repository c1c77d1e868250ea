import Audit

extension ConnectionContext {
    /// The fields every audit event of this connection carries, as the Audit module names them.
    var auditContext: AuditContext {
        AuditContext(
            connectionID: id,
            sourceAddress: clientAddress,
            sourcePort: clientPort,
            clientVersion: clientVersion,
            user: user?.name,
            organization: user?.organization,
            keyType: keyType,
            keyFingerprint: keyFingerprint,
            target: target?.name ?? request?.target,
            targetOwner: target?.owner,
            targetLabels: target?.labels ?? [:],
            login: login ?? request?.login,
            ticket: ticket)
    }
}
