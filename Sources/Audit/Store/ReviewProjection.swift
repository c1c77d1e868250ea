internal import GRDB

/// Keeps `reviews` in step with the break-glass events, inside the writer's transaction. Only
/// an open item can be closed; an event for an unknown item changes nothing.
enum ReviewProjection {
    static func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let id = event.details[AuditDetailKey.reviewID]?.stringValue else { return }
        if event.kind == .breakGlassOpen {
            try db.execute(sql: """
                INSERT INTO reviews (id, connection_id, opened_at, user, organization, target, target_owner, login,
                    source_address, reason, rule_name, result, first_event_id, last_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, arguments: [
                    id, event.connectionID ?? "", stored.time, event.user, event.organization, event.target,
                    event.targetOwner, event.login, event.sourceAddress,
                    event.details[AuditDetailKey.breakGlassReason]?.stringValue,
                    event.details[AuditDetailKey.rule]?.stringValue, stored.id, stored.id,
                ])
        } else if event.kind == .breakGlassReview {
            try db.execute(sql: """
                UPDATE reviews SET result = ?, reviewed_at = ?, reviewed_by = ?, reviewed_by_org = ?, review_note = ?,
                    last_event_id = ?
                WHERE id = ? AND result = 'open'
                """, arguments: [
                    event.result, stored.time, event.details[AuditDetailKey.reviewer]?.stringValue,
                    event.details[AuditDetailKey.reviewerOrganization]?.stringValue,
                    event.details[AuditDetailKey.note]?.stringValue, stored.id, id,
                ])
        }
    }
}
