import Synchronization

/// Counts connections that have not authenticated yet, so that a flood of half-open
/// handshakes cannot take every thread (libssh has no MaxStartups of its own), and all
/// live connections, so that shutdown can wait for them.
package final class AdmissionControl: Sendable {
    private struct Counts {
        var unauthenticated = 0
        var live = 0
    }

    private let counts = Mutex(Counts())

    package init() {}

    /// Admits a new connection unless `limit` handshakes are already in progress.
    func admit(limit: Int) -> Bool {
        counts.withLock { counts in
            guard counts.unauthenticated < limit else { return false }
            counts.unauthenticated += 1
            counts.live += 1
            return true
        }
    }

    /// The connection authenticated: it no longer counts against the handshake cap.
    func authenticated() {
        counts.withLock { $0.unauthenticated -= 1 }
    }

    func closed(wasAuthenticated: Bool) {
        counts.withLock { counts in
            if !wasAuthenticated { counts.unauthenticated -= 1 }
            counts.live -= 1
        }
    }

    package var liveConnections: Int { counts.withLock { $0.live } }
    package var unauthenticatedConnections: Int { counts.withLock { $0.unauthenticated } }
}
