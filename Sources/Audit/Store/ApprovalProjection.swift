internal import GRDB

/// Keeps `approvals` in step with the approval events, inside the writer's transaction. A
/// decision or withdrawal changes only a pending row: the first end of a request is the one
/// that counts, and an event for an unknown request changes nothing (never fails the batch).
enum ApprovalProjection {
    static func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let id = event.details[AuditDetailKey.approvalID]?.stringValue else { return }
        switch event.kind {
        case .approvalRequest:
            try db.execute(sql: """
                INSERT INTO approvals (id, connection_id, requested_at, user, organization, target, target_owner, login,
                    ticket, source_address, command, approvers, grant_name, wait_until, status, first_event_id, last_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, arguments: [
                    id, event.connectionID ?? "", stored.time, event.user, event.organization, event.target,
                    event.targetOwner, event.login, event.ticket, event.sourceAddress,
                    event.details[AuditDetailKey.command]?.stringValue,
                    event.details[AuditDetailKey.approvers]?.stringValue,
                    event.details[AuditDetailKey.grant]?.stringValue,
                    event.details[AuditDetailKey.waitUntil]?.stringValue ?? stored.time, stored.id, stored.id,
                ])
        case .approvalDecision:
            try db.execute(sql: """
                UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, decided_by_org = ?, decision_note = ?,
                    valid_until = ?, last_event_id = ?
                WHERE id = ? AND status = 'pending'
                """, arguments: [
                    event.result, stored.time, event.details[AuditDetailKey.approver]?.stringValue,
                    event.details[AuditDetailKey.approverOrganization]?.stringValue,
                    event.details[AuditDetailKey.note]?.stringValue,
                    event.details[AuditDetailKey.validUntil]?.stringValue, stored.id, id,
                ])
        case .approvalWithdraw:
            try db.execute(sql: """
                UPDATE approvals SET status = ?, decided_at = ?, decision_note = ?, last_event_id = ?
                WHERE id = ? AND status = 'pending'
                """, arguments: [event.result, stored.time, event.reason, stored.id, id])
        default:
            return
        }
    }
}
