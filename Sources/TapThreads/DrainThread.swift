import Foundation

/// A session's queue of bytes copied off the relay (a recording, a file ledger), emptied by
/// a `DrainThread`.
package protocol Drainable: AnyObject, Sendable {
    /// Takes what is queued now and processes it; called on the drain thread only.
    func drain()
}

/// One thread that empties the taps' queues of every session, off the relay's path: a plain
/// `Thread`, not a task, because its work (hashing, parsing, file writes and fsync) must sit
/// neither on a relay thread nor on Swift's cooperative pool. Sessions with queued bytes
/// wait in a ready list and are drained in turn, so one busy session cannot starve a quiet one.
///
/// Wake-ups are batched. After a round that found work the thread lingers for `linger`, and
/// sessions scheduled meanwhile do not signal it: it takes them when the linger ends. During
/// a transfer the relay thread then pays no futex wake and this thread no context switch per
/// chunk (one of each per packet read, when it slept after every drain). Once a linger ends
/// with nothing ready the thread sleeps, and the next schedule wakes it at once, so a quiet
/// session's bytes (a keystroke's echo) are not held back.
package final class DrainThread: @unchecked Sendable {
    package static let defaultLinger: Duration = .milliseconds(2)

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [any Drainable] = []
    private var started = false
    private var stopping = false
    private var lingering = false

    private let name: String
    private let linger: TimeInterval
    private let simulatedDelay: Double

    /// `name` is what `top -H` and `ps -L` show: at most 15 bytes, the longest name Linux
    /// keeps for a thread (a longer one is dropped, not cut).
    /// `simulatedDelay` (seconds per drained session) makes the thread behave like a slow
    /// disk or a slow hash, so tests can show that a lagging tap never blocks the relay.
    package init(name: String, linger: Duration = DrainThread.defaultLinger, simulatedDelay: Double = 0) {
        self.name = name
        let parts = linger.components
        self.linger = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        self.simulatedDelay = simulatedDelay
    }

    /// Called by a relay thread when `session` has new bytes and was not already waiting.
    package func schedule(_ session: any Drainable) {
        condition.lock()
        defer { condition.unlock() }
        ready.append(session)
        if !started {
            started = true
            let thread = Thread { [self] in
                // Set from inside: Foundation on Linux names only the current thread.
                Thread.current.name = name
                run()
            }
            thread.start()
        }
        if !lingering { condition.signal() }
    }

    /// Lets the thread end once it has drained what is ready. For threads made by tests;
    /// the shared ones live as long as the process.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var foundWork = false
        while let batch = nextBatch(afterWork: foundWork) {
            for session in batch {
                session.drain()
                if simulatedDelay > 0 { Thread.sleep(forTimeInterval: simulatedDelay) }
            }
            foundWork = !batch.isEmpty
        }
    }

    private func nextBatch(afterWork: Bool) -> [any Drainable]? {
        condition.lock()
        defer { condition.unlock() }
        if afterWork && ready.isEmpty && !stopping {
            lingering = true
            _ = condition.wait(until: Date(timeIntervalSinceNow: linger))
            lingering = false
        }
        while ready.isEmpty {
            if stopping {
                started = false
                return nil
            }
            condition.wait()
        }
        let batch = ready
        ready.removeAll(keepingCapacity: true)
        return batch
    }
}
