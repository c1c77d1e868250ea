import Foundation

/// `state_dir/tracegate.pid`: how `tracegate reload` finds the running gateway.
package enum PidFile {
    package static func path(stateDirectory: String) -> String { stateDirectory + "/tracegate.pid" }

    static func write(stateDirectory: String) {
        let path = path(stateDirectory: stateDirectory)
        _ = FileManager.default.createFile(atPath: path, contents: Data("\(getpid())\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
    }

    static func remove(stateDirectory: String) {
        try? FileManager.default.removeItem(atPath: path(stateDirectory: stateDirectory))
    }

    /// The pid of a running gateway, or nil when the file is missing, stale, or names
    /// a process that is not a tracegate (a recycled pid must not get our signal).
    package static func runningGateway(stateDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path(stateDirectory: stateDirectory), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
              String(decoding: commandLine, as: UTF8.self).contains("tracegate") else { return nil }
        return pid
    }
}
