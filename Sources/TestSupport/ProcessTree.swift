import Foundation

/// Parent/child relations read from /proc, as `pgrep -P` does, without depending on procps
/// and without spawning a process inside a polling loop.
package enum ProcessTree {
    /// Pids whose parent is `parent`.
    package static func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { parentID(of: $0) == parent }.sorted()
    }

    /// The parent pid from /proc/PID/stat, or nil when the process is gone.
    package static func parentID(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let commandEnd = stat.lastIndex(of: ")")
        else { return nil }
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after it.
        let fields = stat[stat.index(after: commandEnd)...].split(separator: " ")
        guard fields.count > 1 else { return nil }
        return Int32(fields[1])
    }

    /// True while `pid` exists and is not a zombie.
    package static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let commandEnd = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: commandEnd)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
