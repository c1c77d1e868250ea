import Policy

/// Where a connection stands. Each `ServerEvent` is legal only in some phases; one that
/// arrives out of phase is refused and logged as a protocol error, never trusted.
enum ConnectionPhase {
    case keyExchange
    case authenticating(deadline: ContinuousClock.Instant)
    /// Authenticated by a verified signature; the access decision is made and recorded.
    case authorized(AccessOutcome)
    /// No new channels; waiting for the client to close, at most until `deadline`.
    case draining(deadline: ContinuousClock.Instant)

    var isAuthorized: Bool {
        if case .authorized = self { return true }
        return false
    }
}

/// The access decision for the connection's `LOGIN@TARGET`.
enum AccessOutcome {
    case allowed(target: Target, login: String, grant: Grant)
    case refused(Refusal)
}
