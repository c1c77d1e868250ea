import Audit

/// The statements on the cluster's `penalties` table (migration 0007) for one node. Each write
/// notifies `tracegate_state` with `penalty:<source>` in its own transaction.
struct SharedPenaltyTable {
    let node: String
    let connection: PostgresConnection

    /// The schema version that has `penalties`.
    static let schemaVersion = 7

    /// How long a row is kept after its end, for an operator looking at the table; older rows
    /// are deleted by the next write (each node's strikes are its own, in memory).
    static let keptAfterEnd: Int64 = 24 * 3600 * 1_000_000

    /// Writes a penalty imposed on this node, keeping the later end when the source is already
    /// penalised (by another node, or a retried push): writing it twice changes nothing.
    func upsert(_ penalty: SharedPenalty) throws {
        let now = AuditTimestamp.now()
        try connection.transaction {
            try connection.execute("""
                INSERT INTO penalties (source, until, level, node, reason, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (source) DO UPDATE SET until = excluded.until, level = excluded.level, node = excluded.node,
                                                   reason = excluded.reason, updated_at = excluded.updated_at
                WHERE penalties.until < excluded.until
                """, [penalty.source, penalty.until.iso8601, String(penalty.level), penalty.node, penalty.reason,
                      now.iso8601])
            try connection.execute("DELETE FROM penalties WHERE until < $1",
                                   [now.adding(microseconds: -Self.keptAfterEnd).iso8601])
            try connection.execute("SELECT pg_notify($1, $2)",
                                   [SharedStateChange.channel, SharedStateChange.penalty(source: penalty.source).payload])
        }
    }

    /// Every penalty that ends after `time`.
    func inForce(at time: AuditTimestamp) throws -> [SharedPenalty] {
        try connection.execute("SELECT source, until, level, node, reason FROM penalties WHERE until > $1 ORDER BY source",
                               [time.iso8601]).rows.compactMap(Self.penalty)
    }

    /// A row as a penalty; a row this version cannot read is skipped, not fatal.
    static func penalty(_ row: [String?]) -> SharedPenalty? {
        guard row.count == 5, let source = row[0], let until = row[1].flatMap(AuditTimestamp.init(iso8601:)) else {
            return nil
        }
        return SharedPenalty(source: source, until: until, level: row[2].flatMap { Int($0) } ?? 1,
                             node: row[3] ?? "?", reason: row[4] ?? "")
    }
}
