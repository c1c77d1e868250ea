import Policy

/// The flood defences in `config check`'s summary: what both organisations should see before
/// a change to them is merged, spelt with the configuration's own key names.
struct FloodSettingsSummary {
    let configuration: GatewayConfiguration

    var lines: [String] {
        let limits = configuration.limits
        let penalties = configuration.penalties
        let earlyDrop = limits.earlyDropStart < limits.maxUnauthenticated
            ? "random early drop from \(limits.earlyDropStart) at \(limits.earlyDropRate) %"
            : "no random early drop"
        var lines = [
            "flood defences:",
            "  max_unauthenticated \(limits.maxUnauthenticated), \(earlyDrop)",
            "  max_channels_per_connection \(limits.maxChannelsPerConnection), max_sessions_per_user \(limits.maxSessionsPerUser)",
        ]
        if penalties.enabled {
            let exempt = penalties.exempt.isEmpty ? "none" : penalties.exempt.map(\.description).joined(separator: ", ")
            lines.append("  penalties: auth_failure \(Self.text(penalties.authenticationFailure)), no_auth "
                + "\(Self.text(penalties.noAuthentication)), grace_exceeded \(Self.text(penalties.graceExceeded)), "
                + "min \(Self.text(penalties.minimum)), max \(Self.text(penalties.maximum)); exempt: \(exempt)")
        } else {
            lines.append("  penalties: off")
        }
        // Who may name the client decides whose address every rule above applies to.
        if let proxy = configuration.proxyProtocol {
            lines.append("  proxy_protocol: v2 headers trusted from \(proxy.trustedProxies.map(\.description).joined(separator: ", ")) "
                + "(required from them, refused from anyone else), timeout \(Self.text(proxy.headerTimeout))")
        } else {
            lines.append("  proxy_protocol: off (nobody is trusted; a PROXY header fails the SSH banner check)")
        }
        return lines
    }

    /// `5s`, `10m`, `1h`: how the configuration spells durations.
    static func text(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
