import Foundation
import Logging

/// The acceptor's side of a graceful stop: the listener is closed, every connection thread
/// has seen the shutdown pipe and told its engineers when their sessions end. This waits for
/// the connections to go, on their own or at the drain deadline (then each connection
/// thread closes its own sessions: no libssh object is touched from here).
struct GracefulDrain {
    let runtime: GatewayRuntime
    let logger: Logger

    func wait() {
        let limits = runtime.settings.limits
        let drainDeadline = runtime.shutdown.drainDeadline ?? .now
        logger.info("gateway stopping", metadata: [
            "tg.connections": "\(runtime.admission.liveConnections)",
            "tg.drain_seconds": "\(Self.seconds(until: drainDeadline))",
        ])
        // After the deadline each connection sends its closing message and waits up to
        // close_grace for its client; the last 2 s cover a thread stuck in a libssh call.
        var lastReport = ContinuousClock.now
        // Read again on every turn: a second signal moves the deadline to now.
        while runtime.admission.liveConnections > 0,
              ContinuousClock.now < (runtime.shutdown.drainDeadline ?? drainDeadline) + limits.closeGrace + .seconds(2) {
            Thread.sleep(forTimeInterval: 0.05)
            if ContinuousClock.now - lastReport >= .seconds(5) {
                lastReport = .now
                logger.info("gateway draining", metadata: [
                    "tg.connections": "\(runtime.admission.liveConnections)",
                    "tg.drain_seconds": "\(Self.seconds(until: runtime.shutdown.drainDeadline ?? drainDeadline))",
                ])
            }
        }
        let left = runtime.admission.liveConnections
        if left > 0 {
            logger.warning("gateway stopping with connections still open", metadata: ["tg.connections": "\(left)"])
        }
    }

    /// Whole seconds from now to `deadline`, rounded up, never negative.
    static func seconds(until deadline: ContinuousClock.Instant) -> Int {
        let remaining = deadline - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
