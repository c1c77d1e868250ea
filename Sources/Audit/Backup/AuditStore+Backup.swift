import Foundation
#if canImport(Glibc)
import Glibc
#endif
internal import GRDB

extension AuditStore {
    /// Copies the database to `path` with SQLite's online backup API: one consistent snapshot
    /// taken in a read transaction, so the running gateway's writer is never blocked and never
    /// sees `SQLITE_BUSY`. Returns what the copy holds (its head, its recordings), read from
    /// the copy itself so that the manifest describes exactly the snapshot.
    func backupDatabase(to path: String) throws(AuditError) -> (head: ChainHead, schemaVersion: Int, recordings: [RecordingReference]) {
        // Owner-only from the start, like the live database: the trail names people and commands.
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .backupFailed(reason: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(descriptor, 0o600)
        Glibc.close(descriptor)
        do {
            let destination = try DatabaseQueue(path: path)
            try pool.backup(to: destination)
            return try destination.read { db in
                let head = try EventAppender.currentHead(in: db)
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let references = try Row.fetchAll(db, sql: """
                    SELECT id, connection_id, recording_path, recording_size, recording_sha256
                    FROM sessions WHERE recording_path IS NOT NULL ORDER BY first_event_id
                    """
                ).map { row in
                    RecordingReference(sessionID: row[0], connectionID: row[1], path: row[2], size: row[3], sha256: row[4])
                }
                return (head, version, references)
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw .backupFailed(reason: "copying the database: \(error)")
        }
    }
}
