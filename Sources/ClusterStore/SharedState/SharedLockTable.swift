import Audit

/// The statements on the cluster's `locks` table (migration 0002) for one node. Each write
/// notifies `tracegate_state` in its own transaction: the other nodes hear of the row only
/// once it is committed, and never of a row that was rolled back.
struct SharedLockTable {
    let node: String
    let connection: PostgresConnection

    /// The schema version that has `locks`.
    static let schemaVersion = 2

    /// Writes a lock set on this node; writing it twice (a push retried after a lost reply)
    /// changes nothing.
    func insert(_ lock: LockRecord) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO locks (id, kind, name, reason, created_at, created_by, created_by_org, expires_at, node)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING
                """, [lock.id, lock.kind.rawValue, lock.name, lock.reason, lock.createdAt.iso8601, lock.createdBy,
                      lock.createdByOrganization, lock.expiresAt?.iso8601, node])
            try notify(.lock(id: lock.id))
        }
    }

    /// Marks a lock lifted on this node (a lock set on another node too: that is the point).
    /// A lock the table does not know yet (set on a node whose push is still pending) is
    /// written lifted, so that the late push of its creation cannot revive it.
    func remove(_ lock: LockRecord, by remover: String, at time: AuditTimestamp) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO locks (id, kind, name, reason, created_at, created_by, created_by_org, expires_at, node,
                                   removed_at, removed_by, removed_node)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9)
                ON CONFLICT (id) DO UPDATE SET removed_at = excluded.removed_at, removed_by = excluded.removed_by,
                                               removed_node = excluded.removed_node
                WHERE locks.removed_at IS NULL
                """, [lock.id, lock.kind.rawValue, lock.name, lock.reason, lock.createdAt.iso8601, lock.createdBy,
                      lock.createdByOrganization, lock.expiresAt?.iso8601, node, time.iso8601, remover])
            try notify(.lock(id: lock.id))
        }
    }

    /// Every lock not lifted, oldest first; the caller drops the expired ones (expiry is a
    /// comparison with the reader's clock, the same on every node as for a local lock).
    func notRemoved() throws -> [LockRecord] {
        try connection.execute("""
            SELECT id, kind, name, reason, created_at, created_by, created_by_org, expires_at FROM locks
            WHERE removed_at IS NULL ORDER BY created_at, id
            """).rows.compactMap(Self.record)
    }

    private func notify(_ change: SharedStateChange) throws {
        try connection.execute("SELECT pg_notify($1, $2)", [SharedStateChange.channel, change.payload])
    }

    /// A row as a lock; a row this version cannot read (an unknown kind) is skipped, not fatal.
    static func record(_ row: [String?]) -> LockRecord? {
        guard row.count == 8, let id = row[0], let kind = row[1].flatMap(LockRecord.Kind.init(rawValue:)),
              let name = row[2], let created = row[4].flatMap(AuditTimestamp.init(iso8601:)) else { return nil }
        return LockRecord(id: id, kind: kind, name: name, reason: row[3] ?? "", createdAt: created,
                          createdBy: row[5] ?? "?", createdByOrganization: row[6],
                          expiresAt: row[7].flatMap(AuditTimestamp.init(iso8601:)))
    }
}
