import Foundation
import Policy

/// A graceful stop, as one connection thread lives it: the shutdown pipe woke it, the
/// gateway no longer accepts anyone, and this connection's sessions may run until the
/// drain deadline. Everything here runs on the connection's own thread, which owns its
/// libssh sessions.
extension ClientConnection {
    /// Called once, when the shutdown pipe is first seen.
    func shutdownRequested() {
        switch phase {
        case .keyExchange, .authenticating:
            // Nothing runs yet: nothing to wait for.
            endReason = .shutdown
        case .draining:
            break
        case .authorized:
            let running = bridges.filter(\.isRelaying)
            guard !running.isEmpty || !tunnels.isEmpty, let deadline = runtime.shutdown.drainDeadline else {
                // No session to finish: the client is told (on any channel still asking) and let go.
                beginDraining(because: .shuttingDown)
                return
            }
            let notice = Refusal.shuttingDownSoon(seconds: GracefulDrain.seconds(until: deadline))
            for bridge in running { bridge.notify(notice) }
        }
    }

    /// At the drain deadline the sessions still running are closed, each with a line on
    /// its stderr and `shutdown` as the reason in its `session.close`.
    func checkDrainDeadline() {
        guard runtime.shutdown.isRequested, let deadline = runtime.shutdown.drainDeadline,
              ContinuousClock.now >= deadline else { return }
        for tunnel in tunnels { tunnel.end() }
        beginDraining(because: .shuttingDown)
    }

    /// The drain deadline as a wall-clock date, for the poll timeout; nil when not stopping.
    var drainDeadlineDate: Date? {
        guard runtime.shutdown.isRequested, let deadline = runtime.shutdown.drainDeadline else { return nil }
        let remaining = deadline - .now
        return Date().addingTimeInterval(Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
    }
}
