/// Bounds on what one connection, or a crowd of unauthenticated ones, may cost the gateway.
package struct ConnectionLimits: Hashable, Sendable {
    package var authTimeout: Duration
    package var maxAuthAttempts: Int
    package var keyExchangeTimeout: Duration
    /// The hard cap on handshakes in flight (MaxStartups' `full`).
    package var maxUnauthenticated: Int
    /// Covers TCP connect, key exchange and authentication to a target together.
    package var upstreamTimeout: Duration
    /// How long a client may take to answer a close the gateway sent (a terminated, locked or
    /// expired session; a draining connection) before the gateway stops waiting for it.
    package var closeGrace: Duration
    /// On SIGTERM: how long running sessions may go on (their engineers told) before the
    /// gateway closes them. Not in `init` so that adding it left every caller unchanged.
    package var drainTimeout: Duration = Defaults.drainTimeout
    /// Random early drop (MaxStartups' `start:rate`): from `earlyDropStart` handshakes in
    /// flight, a new one is refused with probability `earlyDropRate` %, rising linearly to
    /// 100 % at `maxUnauthenticated`. A start at or above the cap turns it off.
    package var earlyDropStart: Int
    package var earlyDropRate: Int
    /// Channels (sessions and forwards) open at once on one connection.
    package var maxChannelsPerConnection: Int
    /// Session channels open at once across all of one user's connections.
    package var maxSessionsPerUser: Int

    package init(
        authTimeout: Duration,
        maxAuthAttempts: Int,
        keyExchangeTimeout: Duration,
        maxUnauthenticated: Int,
        upstreamTimeout: Duration,
        closeGrace: Duration,
        earlyDropStart: Int = 64,
        earlyDropRate: Int = 30,
        maxChannelsPerConnection: Int = 64,
        maxSessionsPerUser: Int = 1024
    ) {
        self.authTimeout = authTimeout
        self.maxAuthAttempts = maxAuthAttempts
        self.keyExchangeTimeout = keyExchangeTimeout
        self.maxUnauthenticated = maxUnauthenticated
        self.upstreamTimeout = upstreamTimeout
        self.closeGrace = closeGrace
        self.earlyDropStart = earlyDropStart
        self.earlyDropRate = earlyDropRate
        self.maxChannelsPerConnection = maxChannelsPerConnection
        self.maxSessionsPerUser = maxSessionsPerUser
    }
}
