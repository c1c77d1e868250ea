import Policy
import Synchronization

/// Why a new connection was, or was not, let in to start a handshake.
package enum AdmissionVerdict: Sendable, Equatable {
    case admitted
    /// `max_unauthenticated` handshakes are in flight.
    case full
    /// Refused by random early drop between `unauthenticated_drop_start` and the cap.
    case earlyDrop

    package var isAdmitted: Bool { self == .admitted }
}

/// Counts connections that have not authenticated yet, so that a flood of half-open
/// handshakes cannot take every thread (libssh has no MaxStartups of its own), and all
/// live connections, so that shutdown can wait for them.
///
/// Between `start` and the cap a new handshake is refused at random (`EarlyDrop`), but only
/// when its source already has a handshake in flight: a flood holds many handshakes per
/// address, an engineer opening a session holds at most a few, so the random drop falls on
/// the flood while the engineer's first handshake is refused only at the hard cap.
package final class AdmissionControl: Sendable {
    private struct State {
        var unauthenticated = 0
        var live = 0
        /// Handshakes in flight per source address; entries leave at zero, so the map is
        /// bounded by `unauthenticated`.
        var inFlightBySource: [String: Int] = [:]
        var random: any RandomNumberGenerator & Sendable
    }

    private let state: Mutex<State>

    /// `random` decides the early drops; tests pass a seeded generator.
    package init(random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        state = Mutex(State(random: random))
    }

    /// Admits a new connection from `source` unless the handshake cap, or the random early
    /// drop below it, refuses it.
    package func admit(source: String, limits: ConnectionLimits) -> AdmissionVerdict {
        let curve = EarlyDrop(limits: limits)
        return state.withLock { state in
            if state.unauthenticated >= curve.full { return .full }
            let percent = curve.refusalPercent(inFlight: state.unauthenticated)
            if percent > 0, state.inFlightBySource[source, default: 0] > 0,
               Int.random(in: 0..<100, using: &state.random) < percent {
                return .earlyDrop
            }
            state.unauthenticated += 1
            state.live += 1
            state.inFlightBySource[source, default: 0] += 1
            return .admitted
        }
    }

    /// The connection authenticated: it no longer counts against the handshake cap.
    package func authenticated(source: String) {
        state.withLock { state in
            state.unauthenticated -= 1
            Self.release(source, in: &state)
        }
    }

    package func closed(source: String, wasAuthenticated: Bool) {
        state.withLock { state in
            if !wasAuthenticated {
                state.unauthenticated -= 1
                Self.release(source, in: &state)
            }
            state.live -= 1
        }
    }

    private static func release(_ source: String, in state: inout State) {
        let remaining = state.inFlightBySource[source, default: 1] - 1
        state.inFlightBySource[source] = remaining > 0 ? remaining : nil
    }

    package var liveConnections: Int { state.withLock { $0.live } }
    package var unauthenticatedConnections: Int { state.withLock { $0.unauthenticated } }
    package func unauthenticatedConnections(from source: String) -> Int {
        state.withLock { $0.inFlightBySource[source, default: 0] }
    }
}
