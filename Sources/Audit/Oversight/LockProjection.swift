internal import GRDB

/// Keeps `locks` in step with `lock.create` and `lock.remove`, inside the writer's batch
/// transaction. Like the other query tables it accepts every event: a malformed one changes
/// nothing rather than blocking the trail.
enum LockProjection {
    static func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let id = event.details[AuditDetailKey.lockID]?.stringValue else { return }
        switch event.kind {
        case .lockCreate:
            guard let kind = event.details[AuditDetailKey.lockKind]?.stringValue,
                  let name = event.details[AuditDetailKey.lockName]?.stringValue else { return }
            try db.execute(sql: """
                INSERT INTO locks (id, kind, name, reason, created_at, created_by, created_by_org, expires_at, create_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                """, arguments: [id, kind, name, event.reason ?? "", stored.time, event.user, event.organization,
                                 event.details[AuditDetailKey.lockExpiresAt]?.stringValue, stored.id])
        case .lockRemove:
            try db.execute(sql: """
                UPDATE locks SET removed_at = ?, removed_by = ?, remove_event_id = ? WHERE id = ? AND removed_at IS NULL
                """, arguments: [stored.time, event.user, stored.id, id])
        default:
            return
        }
    }
}
