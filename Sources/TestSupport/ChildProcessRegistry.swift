import Foundation

/// Children still running when the test process exits (a shared fixture, a test that
/// failed half-way) would keep ports and temp dirs busy for the next run. Every spawned
/// child is listed here until it ends, and an atexit hook kills what is left.
enum ChildProcessRegistry {
    private static let live = LockedValue<Set<Int32>>([])

    private static let installed: Void = {
        // A child that exits before reading its stdin must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        atexit {
            for pid in ChildProcessRegistry.live.current {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
        }
    }()

    static func add(_ pid: Int32) {
        _ = installed
        live.withLock { _ = $0.insert(pid) }
    }

    static func remove(_ pid: Int32) {
        live.withLock { _ = $0.remove(pid) }
    }

    /// Called before spawning, so SIGPIPE is ignored before a stdin writer can hit it.
    static func prepare() {
        _ = installed
    }
}
