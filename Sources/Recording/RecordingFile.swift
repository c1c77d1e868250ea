import Crypto
import Glibc

/// The filesystem side of recordings: a private directory, files that cannot be swapped
/// for a symlink or an existing file, free-space checks and hashes.
package enum RecordingFile {
    /// Creates `path` (and missing parents) with mode 0700, or tightens an existing
    /// directory to 0700: recordings contain whatever was on an administrator's screen.
    package static func prepareDirectory(_ path: String) throws(RecordingError) {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else {
                throw .directoryUnusable(path: path, reason: RecordingError.systemReason())
            }
            let parent = parentDirectory(of: path)
            if parent != path && !parent.isEmpty { try prepareParent(parent) }
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw .directoryUnusable(path: path, reason: RecordingError.systemReason())
            }
            guard lstat(path, &info) == 0 else {
                throw .directoryUnusable(path: path, reason: RecordingError.systemReason())
            }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .directoryUnusable(path: path, reason: "not a directory (a symlink is refused too)")
        }
        if info.st_mode & 0o7777 != 0o700 && chmod(path, 0o700) != 0 {
            throw .directoryUnusable(path: path, reason: "cannot set mode 0700: \(RecordingError.systemReason())")
        }
    }

    /// Opens a new file for writing, mode 0600. `O_EXCL` refuses to reuse an existing
    /// recording and `O_NOFOLLOW` refuses a planted symlink.
    static func create(_ path: String) throws(RecordingError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .cannotCreate(path: path, reason: RecordingError.systemReason())
        }
        // The umask could only have narrowed 0600, but an explicit mode documents intent.
        _ = fchmod(descriptor, 0o600)
        return descriptor
    }

    /// Writes all of `bytes`, retrying short writes and interrupted calls.
    static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// Bytes available to unprivileged writers on the filesystem holding `path`, so the
    /// gateway can refuse new sessions below a floor instead of recording into a full disk.
    package static func freeBytes(atPath path: String) -> Int? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let (bytes, overflow) = Int(info.f_bavail).multipliedReportingOverflow(by: Int(info.f_frsize))
        return overflow ? Int.max : bytes
    }

    /// SHA-256 of a file's bytes, lowercase hex, as `sha256sum` prints it.
    package static func sha256(ofFileAt path: String) throws(RecordingError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotRead(path: path, reason: RecordingError.systemReason()) }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: RecordingError.systemReason())
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Parents are created 0700 too, but an existing parent (the state directory) is left
    /// as its owner set it.
    private static func prepareParent(_ path: String) throws(RecordingError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        try prepareDirectory(path)
    }

    private static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
