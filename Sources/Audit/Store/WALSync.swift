#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Makes what is committed durable: `fdatasync` of the database's write-ahead log.
///
/// Why not `PRAGMA synchronous = FULL`: then SQLite fsyncs inside COMMIT, on the writer's
/// thread, and the single writer spends a fifth of its time waiting for the disk instead of
/// appending the next batch. With `NORMAL` a commit only writes the log; this sync, run after
/// it (by `CommitSyncer` for the writer, at once for every other write), flushes every frame
/// written so far, and nobody is told a commit succeeded before it has returned. WAL recovery
/// after a power loss keeps whole transactions up to the last frame on disk, so what was
/// acknowledged survives, as with FULL. Several commits can share one sync (group commit).
///
/// The log is opened for each sync rather than held open: SQLite may delete and re-create it,
/// and a kept descriptor would then sync a file nobody reads. When the log is a new file, its
/// directory is synced too, so that the file itself is found after a power loss.
final class WALSync: Sendable {
    let logPath: String
    private let directory: String
    /// The log file synced last, to notice a new one.
    private let lastLog = Mutex<FileIdentity?>(nil)

    init(databasePath: String) {
        logPath = databasePath + "-wal"
        let parent = StateFiles.parentDirectory(of: databasePath)
        directory = parent.isEmpty ? "." : parent
    }

    /// Blocks until everything written to the log so far is on disk. A missing log means
    /// nothing is in it to lose (SQLite removes it only after copying it into the database).
    func sync() throws(AuditError) {
        let descriptor = open(logPath, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return }
            throw failure("cannot open the write-ahead log to sync it")
        }
        defer { close(descriptor) }
        guard fdatasync(descriptor) == 0 else { throw failure("fdatasync of the write-ahead log failed") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("cannot stat the write-ahead log") }
        let identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        let previous = lastLog.withLock { last in
            defer { last = identity }
            return last
        }
        if previous != identity {
            try syncDirectory()
        }
    }

    private func syncDirectory() throws(AuditError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(directory) to sync it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync of \(directory) failed") }
    }

    private func failure(_ what: String) -> AuditError {
        let code = errno
        if code == ENOSPC { return .diskFull(path: logPath) }
        return .writeFailed(path: logPath, reason: "\(what): \(String(cString: strerror(code)))")
    }
}

struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
}
