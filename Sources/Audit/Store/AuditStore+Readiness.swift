#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AuditStore {
    /// Why the next commit would fail, judged now without writing: the file checks the writer
    /// makes before each batch (owner's write bit, file not replaced), and whether the
    /// filesystem is mounted read-only. Nil: writable. One `stat` and one `statvfs`, so a
    /// health probe may call it on every request.
    package func writabilityProblem() -> AuditError? {
        do {
            try fileGuard.check()
        } catch {
            return error
        }
        var filesystem = statvfs()
        if statvfs(path, &filesystem) == 0, filesystem.f_flag & UInt(ST_RDONLY) != 0 {
            return .readOnly(path: path)
        }
        return nil
    }
}
