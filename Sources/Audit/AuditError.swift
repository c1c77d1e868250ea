/// Everything that can go wrong in the audit store, phrased so that the operator knows what
/// to do next. The gateway treats any of these from `recordDurably` as "refuse the
/// connection": an action without its record must not happen.
package enum AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database (or its directory) could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The file is not writable: its permission bits deny writing, or the filesystem is read-only.
    case readOnly(path: String)
    /// The filesystem holding the database is full.
    case diskFull(path: String)
    /// Another process held the write lock for longer than the busy timeout.
    case locked(path: String)
    /// The file was deleted or replaced while open; writing on would go to a file no one reads.
    case fileReplaced(path: String)
    /// Any other SQLite failure while writing.
    case writeFailed(path: String, reason: String)
    /// A read failed.
    case queryFailed(reason: String)
    /// Applying a migration failed; the database is left at the previous version.
    case migrationFailed(migration: String, reason: String)
    /// The database was migrated by a newer tracegate; this one must not write to it.
    case schemaTooNew(found: Int, supported: Int)
    /// The writer was closed (the gateway is shutting down).
    case writerClosed
    /// A `--since`/`--until` value or another filter could not be understood.
    case invalidFilter(String)
    /// No connection with this id.
    case connectionNotFound(String)
    /// `tracegate audit backup` could not complete; what was written is incomplete.
    case backupFailed(reason: String)
    /// `tracegate audit prune` refused or failed; nothing was removed.
    case pruneFailed(reason: String)

    package var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the audit database at \(path): \(reason)"
        case .readOnly(let path):
            "the audit database \(path) is read-only; make it writable (chmod u+w, or remount the filesystem read-write)"
        case .diskFull(let path):
            "the filesystem holding the audit database \(path) is full; free space, writing resumes by itself"
        case .locked(let path):
            "the audit database \(path) is locked by another process; find it with `fuser \(path)`"
        case .fileReplaced(let path):
            "the audit database \(path) was deleted or replaced while in use; restore it and restart"
        case .writeFailed(let path, let reason):
            "cannot write to the audit database \(path): \(reason)"
        case .queryFailed(let reason):
            "cannot read the audit database: \(reason)"
        case .migrationFailed(let migration, let reason):
            "migration \(migration) failed, the database is unchanged by it: \(reason)"
        case .schemaTooNew(let found, let supported):
            "the audit database has schema version \(found), newer than this tracegate knows (\(supported)); upgrade tracegate"
        case .writerClosed:
            "the audit writer is closed"
        case .invalidFilter(let message):
            message
        case .connectionNotFound(let id):
            "no connection with id \(id)"
        case .backupFailed(let reason):
            "backup failed: \(reason)"
        case .pruneFailed(let reason):
            "prune failed: \(reason)"
        }
    }
}
