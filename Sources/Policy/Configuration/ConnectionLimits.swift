/// Bounds on what one connection, or a crowd of unauthenticated ones, may cost the gateway.
package struct ConnectionLimits: Hashable, Sendable {
    package var authTimeout: Duration
    package var maxAuthAttempts: Int
    package var keyExchangeTimeout: Duration
    package var maxUnauthenticated: Int
    /// Covers TCP connect, key exchange and authentication to a target together.
    package var upstreamTimeout: Duration
    package var closeGrace: Duration

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
