/// The closed vocabularies of `result` and `reason` for the kinds whose outcome the query
/// tables interpret. The raw values are stored and filtered on (`--result denied`), so they
/// are on-disk format like the kind names: add cases, never rename them.

/// `auth.attempt` result. Only a verified signature is `accepted`; a key that is merely
/// offered is not an authentication (the Warpgate GHSA-3cjp-w4cp-m9c8 lesson).
package enum AuthAttemptResult: String, Sendable, Hashable, CaseIterable {
    case accepted
    case rejected
    case unknownKey = "unknown_key"
}

/// `access.decision` result.
package enum AccessDecisionResult: String, Sendable, Hashable, CaseIterable {
    case allowed
    case denied
}

/// `upstream.connect` result.
package enum UpstreamResult: String, Sendable, Hashable, CaseIterable {
    case ok
    case failed
}

/// `connection.close` reason: why the client connection ended.
package enum ConnectionCloseReason: String, Sendable, Hashable, CaseIterable {
    case clientQuit = "client_quit"
    case clientDropped = "client_dropped"
    case targetDropped = "target_dropped"
    case idle
    case authenticationTimeout = "auth_timeout"
    case tooManyAttempts = "too_many_attempts"
    case keyExchangeFailed = "kex_failed"
    case shutdown
    case error
    /// Written only by crash recovery: the gateway died while the connection was open.
    case interrupted
}

/// `channel.open` channel type (details key `type`).
package enum ChannelType: String, Sendable, Hashable, CaseIterable {
    case shell
    case exec
    case subsystem
    case directTCPIP = "direct-tcpip"
}

/// `session.close` result, also the `sessions.result` column.
package enum SessionResult: String, Sendable, Hashable, CaseIterable {
    /// The command or shell exited with status 0.
    case ok
    /// Non-zero exit status, or killed by a signal.
    case failed
    /// Closed without an exit status (e.g. a forwarded port).
    case closed
    /// Written only by crash recovery.
    case interrupted
    /// Ended by someone overseeing it (`terminate`) or by a lock; who and why are in the details.
    case terminated
}

/// The `result` of connections rows: the furthest outcome the connection reached. See
/// docs/audit-schema.md for the progression.
package enum ConnectionResult: String, Sendable, Hashable, CaseIterable {
    case rejected
    case unknownKey = "unknown_key"
    case authenticated
    case allowed
    case denied
    case failed
}
