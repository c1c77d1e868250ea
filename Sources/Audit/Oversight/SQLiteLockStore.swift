internal import GRDB

/// Locks in the audit database: `lock.create` and `lock.remove` events, projected into the
/// `locks` table by the writer in the same transaction (`LockProjection`), so the table can
/// never say something the chain does not.
package struct SQLiteLockStore: LockStore {
    let store: AuditStore
    let writer: AuditWriter

    package func locksInForce(at time: AuditTimestamp) throws(AuditError) -> [LockRecord] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, name, reason, created_at, created_by, created_by_org, expires_at FROM locks
                WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at, id
                """, arguments: [time.iso8601])
        }.compactMap(Self.record)
    }

    package func create(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError) {
        try writer.recordDurably(.lockCreate(context, lock: lock, rule: rule))
    }

    package func remove(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError) {
        try writer.recordDurably(.lockRemove(context, lock: lock, rule: rule))
    }

    private static func record(_ row: Row) -> LockRecord? {
        guard let id = row["id"] as String?, let kind = (row["kind"] as String?).flatMap(LockRecord.Kind.init),
              let name = row["name"] as String?, let created = (row["created_at"] as String?).flatMap(AuditTimestamp.init(iso8601:))
        else { return nil }
        return LockRecord(id: id, kind: kind, name: name, reason: row["reason"] ?? "", createdAt: created,
                          createdBy: row["created_by"] ?? "?", createdByOrganization: row["created_by_org"],
                          expiresAt: (row["expires_at"] as String?).flatMap(AuditTimestamp.init(iso8601:)))
    }
}

extension AuditStore {
    /// The locks of this database, changed through `writer`.
    package func lockStore(writer: AuditWriter) -> SQLiteLockStore {
        SQLiteLockStore(store: self, writer: writer)
    }
}
