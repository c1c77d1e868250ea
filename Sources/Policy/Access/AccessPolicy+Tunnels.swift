import Foundation

/// Tunnels (`ssh -J`, `ssh -W`): a TCP stream to a target's SSH port, allowed only by a
/// `tunnel` grant. The destination is what the client asked for in its direct-tcpip request.
extension AccessPolicy {
    package func authorizeTunnel(
        user: User,
        destinationHost: String,
        destinationPort: Int,
        time: Date,
        sourceAddress: String?,
        ticket: String?
    ) -> TunnelDecision {
        let targets = tunnelTargets(host: destinationHost, port: destinationPort)
        guard let first = targets.first else {
            return .denied(.notATunnelDestination(DenialReason.renderDestination(host: destinationHost, port: destinationPort)))
        }
        let notGranted = DenialReason.tunnelNotGranted(first.name)
        guard let current = usersByName[user.name] else { return .denied(notGranted) }
        let candidates = targets.flatMap { target in
            configuration.grants.filter { $0.mode == .tunnel && $0.applies(to: current, target: target) }.map { (target, $0) }
        }
        switch GrantJudgement.judge(candidates, at: time, sourceAddress: sourceAddress, ticket: ticket) {
        case .allowed(let target, let grant): return .allowed(target: target, grant: grant)
        case .denied(let reason): return .denied(reason ?? notGranted)
        }
    }

    /// The targets a tunnel destination names: the target of that name, else every target
    /// whose address is that host; in both cases only on the target's own SSH port. Several
    /// targets may share an address (one host, two names), and any of them may grant the tunnel.
    func tunnelTargets(host: String, port: Int) -> [Target] {
        if let named = targetsByName[host] {
            return named.port == port ? [named] : []
        }
        return configuration.targets.filter { $0.port == port && Self.sameHost($0.host, host) }
    }

    /// Addresses compare by value (`2001:db8::5` and `2001:DB8:0::5` are one host), names
    /// without regard to case, as DNS does.
    static func sameHost(_ lhs: String, _ rhs: String) -> Bool {
        if let left = IPAddress(parsing: lhs), let right = IPAddress(parsing: rhs) {
            return left == right || left.unmappedIPv4 == right || left == right.unmappedIPv4
        }
        return lhs.lowercased() == rhs.lowercased()
    }
}
