import Foundation

/// Private keys must be readable by their owner only, as OpenSSH insists for its own.
enum KeyFilePermissions {
    static func requirePrivate(_ path: String) throws(SSHError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .keyFile(path: path, problem: String(cString: strerror(errno)))
        }
        guard (info.st_mode & 0o077) == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw .keyFile(path: path, problem: "private key is accessible by group or others (mode \(mode)); run chmod 600")
        }
    }

    /// Writes a new file that is 0600 from its first byte (no window where it is readable).
    static func writeNew(_ contents: String, to path: String, mode: mode_t) throws(SSHError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .keyFile(path: path, problem: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .keyFile(path: path, problem: String(cString: strerror(errno)))
            }
            written += result
        }
        guard fsync(fd) == 0 else { throw .keyFile(path: path, problem: String(cString: strerror(errno))) }
    }
}
