/// Bounds on what one connection, or a crowd of unauthenticated ones, may cost the gateway.
package struct ConnectionLimits: Hashable, Sendable {
    package var authTimeout: Duration
    package var maxAuthAttempts: Int
    package var keyExchangeTimeout: Duration
    package var maxUnauthenticated: Int
    /// Covers TCP connect, key exchange and authentication to a target together.
    package var upstreamTimeout: Duration
    package var closeGrace: Duration
    /// On SIGTERM: how long running sessions may go on (their engineers told) before the
    /// gateway closes them. Not in `init` so that adding it left every caller unchanged.
    package var drainTimeout: Duration = Defaults.drainTimeout

    package init(
        authTimeout: Duration,
        maxAuthAttempts: Int,
        keyExchangeTimeout: Duration,
        maxUnauthenticated: Int,
        upstreamTimeout: Duration,
        closeGrace: Duration
    ) {
        self.authTimeout = authTimeout
        self.maxAuthAttempts = maxAuthAttempts
        self.keyExchangeTimeout = keyExchangeTimeout
        self.maxUnauthenticated = maxUnauthenticated
        self.upstreamTimeout = upstreamTimeout
        self.closeGrace = closeGrace
    }
}
