import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs the test mounts over a directory of its own, to play a disk that fills
/// up. Needs root (or CAP_SYS_ADMIN); `isAvailable` says whether this machine allows it,
/// so that a test without the privilege is skipped with that reason instead of passing.
package final class TmpfsMount: Sendable {
    package let path: String
    private let mounted = LockedValue(true)

    private init(path: String) {
        self.path = path
    }

    deinit {
        unmount()
    }

    /// Mounts a tmpfs of `megabytes` MiB at `path` (created if missing), mode 0700.
    package static func mount(at path: String, megabytes: Int) async throws -> TmpfsMount {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try await ProcessRunner().run(
            "mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path])
        guard result.succeeded else {
            throw TestSupportError.unexpectedOutput("mount -t tmpfs at \(path) failed:\n\(result)")
        }
        return TmpfsMount(path: path)
    }

    /// Whether a tmpfs can be mounted here: tried once on a scratch directory.
    package static let isAvailable: Bool = {
        #if canImport(Glibc)
        guard geteuid() == 0, let directory = try? TemporaryDirectory(prefix: "tracegate-mnt") else { return false }
        let target = directory.file("probe")
        guard mkdir(target, 0o700) == 0 else { return false }
        guard Glibc.mount("tmpfs", target, "tmpfs", 0, "size=1m") == 0 else { return false }
        Glibc.umount2(target, Int32(MNT_DETACH))
        return true
        #else
        return false
        #endif
    }()

    /// Unmounts (lazily, so that files a process still holds open do not keep it busy).
    package func unmount() {
        guard mounted.withLock({ wasMounted in
            defer { wasMounted = false }
            return wasMounted
        }) else { return }
        #if canImport(Glibc)
        Glibc.umount2(path, Int32(MNT_DETACH))
        #endif
    }

    /// Free bytes as an unprivileged writer sees them.
    package var freeBytes: Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// Writes `name` until the filesystem refuses more (ENOSPC), in big then small chunks,
    /// and returns its path. Remove it to give the space back.
    @discardableResult
    package func fill(name: String = "filler") throws -> String {
        let filler = path + "/" + name
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TestSupportError.systemCall("open \(filler)", errno: errno) }
        defer { close(descriptor) }
        for chunk in [1 << 20, 4096, 1] {
            let bytes = [UInt8](repeating: 0x5a, count: chunk)
            while true {
                let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, chunk) }
                if written == chunk { continue }
                if written < 0 && errno != ENOSPC { throw TestSupportError.systemCall("write \(filler)", errno: errno) }
                break
            }
        }
        return filler
    }
}
