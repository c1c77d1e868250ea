#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates the audit database's directory and file with owner-only permissions before SQLite
/// touches them: SQLite would create the file with the process umask (often 0644), and the
/// `-wal` and `-shm` files inherit the database file's mode, so getting it right first keeps
/// all three private. Existing directories are left as the operator set them.
enum StateFiles {
    static func prepare(databasePath path: String) throws(AuditError) {
        let directory = parentDirectory(of: path)
        try makeDirectories(directory, path: path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            // The umask may have removed bits but never adds any; fchmod makes it exactly 0600.
            _ = fchmod(descriptor, 0o600)
            close(descriptor)
        } else if errno != EEXIST {
            throw .cannotOpen(path: path, reason: systemError())
        }
    }

    private static func makeDirectories(_ directory: String, path: String) throws(AuditError) {
        guard !directory.isEmpty, !isDirectory(directory) else { return }
        try makeDirectories(parentDirectory(of: directory), path: path)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .cannotOpen(path: path, reason: "cannot create directory \(directory): \(systemError())")
        }
        _ = chmod(directory, 0o700)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// Notices, before each commit, what SQLite's open file descriptor would hide.
///
/// - Permission bits: SQLite checks them only when opening, and root ignores them entirely;
///   an operator who runs `chmod a-w audit.db` (or a fail-closed test) means "stop writing",
///   so the writer honours the owner's write bit itself.
/// - Deletion or replacement: writes would go on into an unlinked inode that no reader sees.
///
/// One `stat` per batch, so it costs nothing measurable.
struct StoreFileGuard: Sendable {
    let path: String
    private let device: UInt64
    private let inode: UInt64

    init(path: String) throws(AuditError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .cannotOpen(path: path, reason: StateFiles.systemError())
        }
        self.path = path
        self.device = UInt64(status.st_dev)
        self.inode = UInt64(status.st_ino)
    }

    func check() throws(AuditError) {
        var status = stat()
        guard stat(path, &status) == 0, UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode else {
            throw .fileReplaced(path: path)
        }
        guard status.st_mode & S_IWUSR != 0 else {
            throw .readOnly(path: path)
        }
    }
}
