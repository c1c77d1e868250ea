import Foundation

/// A private scratch directory under /tmp. Mode 0700 because sshd and ssh refuse key and
/// config files that others could have tampered with; short paths because ControlPath
/// sockets must fit in `sun_path` (108 bytes).
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init(prefix: String = "tracegate") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!)
        }
        guard created != nil else {
            throw TestSupportError.systemCall("mkdtemp", errno: errno)
        }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o700)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The path of `name` inside this directory; nothing is created.
    package func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Creates (with intermediate directories) and returns `name` inside this directory.
    @discardableResult
    package func subdirectory(_ name: String) throws -> String {
        let result = file(name)
        try FileManager.default.createDirectory(atPath: result, withIntermediateDirectories: true)
        return result
    }

    /// Writes `contents` to `name` with the given mode and returns its path.
    @discardableResult
    package func write(_ contents: String, to name: String, mode: Int = 0o600) throws -> String {
        let result = file(name)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: result))
        chmod(result, mode_t(mode))
        return result
    }
}
