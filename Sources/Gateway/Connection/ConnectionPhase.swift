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

/// The access decision for the connection's user name.
enum AccessOutcome {
    /// `request` is kept to check the session again after a policy reload.
    case allowed(request: AccessRequest, target: Target, login: String, grant: Grant)
    /// A ticket is required. SSH carries it only after authentication, with the session's
    /// environment (TRACEGATE_TICKET), or typed at the gateway's prompt on a terminal:
    /// decided when the session starts.
    case ticketExpected(request: AccessRequest)
    /// The user name names no target: the gateway's own read-only shell.
    case gatewayShell
    case refused(Refusal)

    var isGatewayShell: Bool {
        if case .gatewayShell = self { return true }
        return false
    }
}
