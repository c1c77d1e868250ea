import Foundation

/// Children still running when the test process exits (a shared fixture, a test that
/// failed half-way) would keep ports and temp dirs busy for the next run. Every spawned
/// child is listed here until it ends, and an atexit hook kills what is left; so does an
/// interrupted run (Ctrl-C, a job's SIGTERM), which ends the process without atexit.
enum ChildProcessRegistry {
    private static let live = LockedValue<Set<Int32>>([])

    private static let installed: Void = {
        // A child that exits before reading its stdin must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        atexit { killLive() }
        _ = interruptions
    }()

    /// Each child runs in a process group of its own, so a terminal's Ctrl-C reaches only this
    /// process, which the signal would end at once, leaving the gateways and servers of the
    /// running suites behind. The signals are read from Dispatch sources instead (a signal
    /// handler could not take the registry's lock): kill what is live, then die of the signal
    /// as before. Children get every signal's default back at spawn (`PosixSpawn`, and
    /// Foundation's `Process` alike), so ignoring them here changes nothing for them.
    ///
    /// Written once by Swift's thread-safe static initialisation and never changed; held only
    /// to keep the sources alive.
    nonisolated(unsafe) private static let interruptions: [any DispatchSourceSignal] =
        [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                killLive()
                // Process-directed, so a thread that does not block it takes it; the exit is
                // for the case where none does.
                signal(number, SIG_DFL)
                kill(getpid(), number)
                _exit(128 + number)
            }
            source.resume()
            return source
        }

    private static func killLive() {
        for pid in live.current {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }

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
