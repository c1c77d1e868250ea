import Audit

/// Applies `migrations/postgresql/` in order, each in its own transaction that also records
/// it in `schema_migrations`, so that a failed migration leaves the schema as it was and a
/// second run does nothing.
///
/// Every node may run `tracegate cluster migrate` at once (a rollout): a session-level
/// advisory lock makes the others wait, then find the work done, instead of two of them
/// racing to `CREATE TABLE`.
package struct PostgresMigrator {
    package var migrations: [Migration]

    /// An arbitrary constant naming "tracegate's schema" among advisory locks.
    private static let lockKey = "7361626465"

    package init(migrations: [Migration] = Migration.postgreSQL) {
        self.migrations = migrations
    }

    /// The file names applied by this call, in order (empty: the schema was up to date).
    package func migrate(_ connection: PostgresConnection) throws -> [String] {
        if let problem = Migration.orderingProblem(in: migrations) {
            throw PostgresError.statementFailed(sqlState: nil, message: "embedded migrations: \(problem)")
        }
        try connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let current = Int(try connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").scalar ?? "0") ?? 0
        let latest = migrations.last?.number ?? 0
        if current > latest {
            throw PostgresError.statementFailed(sqlState: nil, message:
                "the PostgreSQL schema has version \(current), newer than this tracegate knows (\(latest)); upgrade tracegate")
        }
        var applied: [String] = []
        for migration in migrations where (migration.number ?? 0) > current {
            try connection.transaction {
                try connection.executeScript(migration.sql)
                try connection.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                       [String(migration.number ?? 0), migration.fileName])
            }
            applied.append(migration.fileName)
        }
        return applied
    }

    /// The schema version in the database (0: never migrated), for a clear refusal to ship
    /// into a database nobody migrated.
    package static func version(of connection: PostgresConnection) throws(PostgresError) -> Int {
        let exists = try connection.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").scalar == "t"
        guard exists else { return 0 }
        return Int(try connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").scalar ?? "0") ?? 0
    }
}
