import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file so that readers see the old content or the new, never a torn write, and
/// the file never exists, even briefly, with a mode wider than asked for.
enum AtomicFile {
    struct WriteError: Error {
        var message: String
    }

    static func replaceContents(of path: String, with text: String, mode: mode_t) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw WriteError(message: "cannot create directory \(directory)")
            }
        }
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteError(message: "cannot create \(temporary): \(lastErrorMessage())") }
        var failure: String?
        // The umask may only narrow the mode given to open(2); fchmod makes it exact.
        if fchmod(descriptor, mode) != 0 { failure = "cannot set mode: \(lastErrorMessage())" }
        if failure == nil { failure = writeAll(Array(text.utf8), to: descriptor) }
        if failure == nil && fsync(descriptor) != 0 { failure = "cannot sync: \(lastErrorMessage())" }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = "cannot replace \(path): \(lastErrorMessage())" }
        if let failure {
            unlink(temporary)
            throw WriteError(message: failure)
        }
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                return "cannot write: \(lastErrorMessage())"
            }
            written += result
        }
        return nil
    }

    // Makes the rename itself durable; failure only costs durability, never correctness.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func lastErrorMessage() -> String {
        String(cString: strerror(errno))
    }
}
