import Foundation

/// Running sessions after a reload: each is checked again against the new policy.
extension AccessPolicy {
    /// Whether this (new) policy still allows a running session, judged like a new request
    /// at `access.time` with the session's source and ticket. The session's grant is preferred
    /// when it still exists and allows (matched by its name: same position and line), so an
    /// untouched grant keeps the session's deadline; any other grant that allows is named
    /// otherwise, so that moving or rewording a grant does not end sessions it still covers.
    /// A denial is wrapped in `.revoked`, whose message tells the engineer why the session ends.
    package func stillAllows(_ access: AccessRequest, grantName: String? = nil) -> Decision {
        let decision = authorize(access)
        switch decision {
        case .allowed(let target, let login, let grant):
            if let grantName, grant.name != grantName,
               let previous = configuration.grants.first(where: { $0.name == grantName }),
               previous.permits(AccessAttempt(
                   user: usersByName[access.user.name] ?? access.user, target: target, login: login,
                   time: access.time, sourceAddress: access.sourceAddress, ticket: access.ticket))
            {
                return .allowed(target: target, login: login, grant: previous)
            }
            return decision
        case .denied(let reason):
            return .denied(.revoked(reason))
        }
    }

    /// The same check for a running tunnel, against the target it reached.
    package func stillAllowsTunnel(user: User, target: Target, time: Date, sourceAddress: String?, ticket: String?) -> TunnelDecision {
        let current = targetsByName[target.name] ?? target
        switch authorizeTunnel(
            user: user, destinationHost: current.name, destinationPort: current.port,
            time: time, sourceAddress: sourceAddress, ticket: ticket)
        {
        case .allowed(let target, let grant): return .allowed(target: target, grant: grant)
        case .denied(let reason): return .denied(.revoked(reason))
        }
    }
}
