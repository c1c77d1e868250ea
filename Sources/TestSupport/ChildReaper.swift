import Foundation

/// Reaps the children that `PosixSpawn` started, on one thread that polls `waitpid` for
/// exactly those pids (never -1, so children that other code starts are left alone).
enum ChildReaper {
    private static let watched = LockedValue<[pid_t: @Sendable (Termination) -> Void]>([:])

    private static let started: Void = {
        let thread = Thread {
            while true {
                reapFinished()
                usleep(watched.current.isEmpty ? 20_000 : 2_000)
            }
        }
        thread.name = "TestSupport child reaper"
        thread.start()
    }()

    /// Calls `onExit` once `pid` has ended. A child that ended before this call is a
    /// zombie until reaped, so nothing is lost.
    static func watch(_ pid: pid_t, onExit: @escaping @Sendable (Termination) -> Void) {
        _ = started
        watched.withLock { $0[pid] = onExit }
    }

    private static func reapFinished() {
        for (pid, onExit) in watched.current {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                watched.withLock { _ = $0.removeValue(forKey: pid) }
                onExit(decode(status))
            } else if result < 0 && errno == ECHILD {
                watched.withLock { _ = $0.removeValue(forKey: pid) }
                onExit(.exited(-1))
            }
        }
    }

    // WIFEXITED and friends are C macros, which Swift does not import.
    private static func decode(_ status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }
}
