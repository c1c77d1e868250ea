internal import GRDB

/// The audit database, `STATE_DIR/audit.db`: opened, secured and migrated.
///
/// One `DatabasePool` per store: its single writer connection is driven only by
/// `AuditWriter`'s thread (and by migration and recovery before that thread starts), and its
/// reader connections serve queries. In WAL mode readers see a snapshot and never block the
/// writer, and the writer never blocks them.
///
/// Durability: nothing is reported committed before the write-ahead log holding it has been
/// fsynced (`WALSync`), so an acknowledged event survives power loss, not just a crash of the
/// process: "the decision is durable before any byte reaches the target". SQLite itself runs
/// with `synchronous = NORMAL` (it writes the log at COMMIT without syncing it) and the sync
/// follows the commit: at once in `write`, on a thread of its own for the writer's batches
/// (`CommitSyncer`), so that the single writer appends the next batch while the disk works.
package final class AuditStore: Sendable {
    package let path: String
    package let options: AuditStoreOptions
    let pool: DatabasePool
    let fileGuard: StoreFileGuard
    let walSync: WALSync

    /// The conventional location inside `state_dir`.
    package static func databasePath(stateDirectory: String) -> String {
        stateDirectory.hasSuffix("/") ? stateDirectory + "audit.db" : stateDirectory + "/audit.db"
    }

    /// Opens (creating if needed, directory 0700 and file 0600) and migrates the database.
    package static func open(path: String, options: AuditStoreOptions = AuditStoreOptions()) throws(AuditError)
        -> AuditStore
    {
        try StateFiles.prepare(databasePath: path)
        var configuration = Configuration()
        configuration.label = "tracegate.audit"
        configuration.busyMode = .timeout(options.busyTimeoutSeconds)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: AuditError.writing(error, path: path).description)
        }
        do {
            try pool.barrierWriteWithoutTransaction { db in
                // The log is synced after each commit by `WALSync`, not inside it (see above).
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // The writer touches a dozen index b-trees per event: 64 MiB of page cache keeps
                // their upper levels in memory instead of re-reading them from the OS.
                try db.execute(sql: "PRAGMA cache_size = -65536")
                // Once the log is checkpointed and restarted, truncate it back to 64 MiB at most.
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
                try Migrator(migrations: Migration.embedded).migrate(db)
            }
        } catch {
            throw AuditError.writing(error, path: path)
        }
        let walSync = WALSync(databasePath: path)
        // Migrations (and a first start's new log) are made durable like any other commit.
        try walSync.sync()
        return AuditStore(path: path, options: options, pool: pool, fileGuard: try StoreFileGuard(path: path), walSync: walSync)
    }

    private init(path: String, options: AuditStoreOptions, pool: DatabasePool, fileGuard: StoreFileGuard, walSync: WALSync) {
        self.path = path
        self.options = options
        self.pool = pool
        self.fileGuard = fileGuard
        self.walSync = walSync
    }

    /// Starts a writer: its own OS thread, committing what it is given in batches. A process
    /// needs one; several would still keep one chain (each batch reads the head inside its
    /// transaction) but would only contend for the same lock.
    package func makeWriter() -> AuditWriter {
        AuditWriter(store: self)
    }

    /// The hash of the last event, or `nil` for an empty trail. Logged at start and stop so
    /// that the other organisation can keep a copy and later detect a truncated tail.
    package func headHash() throws(AuditError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT hash FROM events ORDER BY id DESC LIMIT 1") }
    }

    /// The schema version (`PRAGMA user_version`): the number of the last migration applied.
    package func schemaVersion() throws(AuditError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// SQLite's own checkpoint after a commit, on the committing thread, once the log holds
    /// `frames` pages (SQLite's default is 1,000).
    ///
    /// While a writer runs, its checkpointer thread copies the log into the database file, and
    /// this is raised to `AuditStoreOptions.checkpointRestartFrames` (64 MiB): it then only
    /// catches up the frames of the last moment, but it runs where no other commit can be in
    /// progress, so the log is complete in the database and the next commit starts it over.
    /// The checkpointer alone never gets there while commits follow each other without a
    /// pause: the log grew to gigabytes, every commit extended the file (the kernel zeroing
    /// each new page) and page lookups in the growing WAL index slowed the writer.
    func setAutomaticCheckpoint(frames: Int) {
        _ = try? pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(frames)")
        }
    }

    /// Runs `body` in a read transaction on a reader connection (a consistent snapshot).
    func read<T>(_ body: (Database) throws -> T) throws(AuditError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw AuditError.reading(error)
        }
    }

    /// Runs `body` in an immediate write transaction on the writer connection, after the same
    /// file checks as the writer thread, and returns once the commit is on disk.
    func write<T>(_ body: (Database) throws -> T) throws(AuditError) -> T {
        let value = try commit(body)
        try walSync.sync()
        return value
    }

    /// `write` without the sync: the commit is visible to readers but not yet durable. Only for
    /// the writer thread, whose `CommitSyncer` syncs before anyone is told.
    func commit<T>(_ body: (Database) throws -> T) throws(AuditError) -> T {
        do {
            try fileGuard.check()
            return try pool.writeWithoutTransaction { db in
                var value: T?
                // GRDB's transaction rolls back on any error, including a failed COMMIT.
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                guard let value else { throw AuditError.writeFailed(path: path, reason: "the transaction returned nothing") }
                return value
            }
        } catch {
            throw AuditError.writing(error, path: path)
        }
    }
}
