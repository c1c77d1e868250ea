internal import GRDB

/// Applies migrations as a `PRAGMA user_version` ladder: each migration in its own
/// `BEGIN IMMEDIATE` transaction that also sets `user_version` to its number.
///
/// Why not GRDB's `DatabaseMigrator`: `serve` and every `tracegate audit` command migrate, and
/// two processes may start at once. Checking the version inside the immediate transaction
/// makes the second one wait for the lock and then find the work done, instead of both
/// seeing "not applied" and the second failing on `CREATE TABLE`.
struct Migrator {
    var migrations: [Migration]

    /// The version a fully migrated database has.
    var latestVersion: Int { migrations.last?.number ?? 0 }

    func migrate(_ db: Database) throws(AuditError) {
        if let problem = Migration.orderingProblem(in: migrations) {
            throw .migrationFailed(migration: "(embedded list)", reason: problem)
        }
        let current = try version(of: db)
        if current > latestVersion {
            throw .schemaTooNew(found: current, supported: latestVersion)
        }
        for migration in migrations where (migration.number ?? 0) > current {
            try apply(migration, to: db)
        }
    }

    private func apply(_ migration: Migration, to db: Database) throws(AuditError) {
        let number = migration.number ?? 0
        do {
            try db.inTransaction(.immediate) {
                // Another process may have applied it while this one waited for the lock.
                let applied = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                guard applied < number else { return .commit }
                try db.execute(sql: migration.sql)
                try db.execute(sql: "PRAGMA user_version = \(number)")
                return .commit
            }
        } catch {
            throw .migrationFailed(migration: migration.fileName, reason: String(describing: error))
        }
    }

    private func version(of db: Database) throws(AuditError) -> Int {
        do {
            return try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        } catch {
            throw .migrationFailed(migration: "(reading user_version)", reason: String(describing: error))
        }
    }
}
