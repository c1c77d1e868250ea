import Yams

/// The flood defences: random early drop and per-connection/per-user caps under `limits:`,
/// and the `penalties:` section.
extension ConfigurationReader {
    mutating func readFloodLimits(_ fields: Fields, into limits: inout ConnectionLimits) {
        if let value = fields["unauthenticated_drop_start"].flatMap({ positiveInteger($0, "limits.unauthenticated_drop_start") }) {
            limits.earlyDropStart = value
        }
        if let node = fields["unauthenticated_drop_rate"],
           let value = positiveInteger(node, "limits.unauthenticated_drop_rate") {
            if value <= 100 {
                limits.earlyDropRate = value
            } else {
                diagnostics.report("invalid limits.unauthenticated_drop_rate \(value): expected a percentage from 1 to 100", at: node)
            }
        }
        if let value = fields["max_channels_per_connection"].flatMap({ positiveInteger($0, "limits.max_channels_per_connection") }) {
            limits.maxChannelsPerConnection = value
        }
        if let value = fields["max_sessions_per_user"].flatMap({ positiveInteger($0, "limits.max_sessions_per_user") }) {
            limits.maxSessionsPerUser = value
        }
    }

    mutating func readPenalties(_ node: Node) -> PenaltySettings {
        var penalties = Defaults.penalties
        let keys = ["enabled", "auth_failure", "no_auth", "grace_exceeded", "min", "max", "exempt", "max_sources"]
        guard let fields = fields(of: node, "penalties", allowed: keys) else { return penalties }
        if let node = fields["enabled"], let text = string(node, "penalties.enabled") {
            switch text {
            case "true": penalties.enabled = true
            case "false": penalties.enabled = false
            default: diagnostics.report("invalid penalties.enabled \(SafeText.quoted(text)): expected true or false", at: node)
            }
        }
        if let value = fields["auth_failure"].flatMap({ duration($0, "penalties.auth_failure") }) {
            penalties.authenticationFailure = value
        }
        if let value = fields["no_auth"].flatMap({ duration($0, "penalties.no_auth") }) { penalties.noAuthentication = value }
        if let value = fields["grace_exceeded"].flatMap({ duration($0, "penalties.grace_exceeded") }) {
            penalties.graceExceeded = value
        }
        if let value = fields["min"].flatMap({ duration($0, "penalties.min") }) { penalties.minimum = value }
        if let value = fields["max"].flatMap({ duration($0, "penalties.max") }) { penalties.maximum = value }
        if penalties.minimum > penalties.maximum, let node = fields["min"] ?? fields["max"] {
            diagnostics.report("penalties.min must not exceed penalties.max", at: node)
        }
        if let value = fields["max_sources"].flatMap({ positiveInteger($0, "penalties.max_sources") }) {
            penalties.maxSources = value
        }
        if let node = fields.optional("exempt"), let entries = strings(node, "penalties.exempt") {
            penalties.exempt = entries.compactMap { text, entry in
                do {
                    return try CIDR(parsing: text)
                } catch {
                    diagnostics.report("invalid penalties.exempt entry \(SafeText.quoted(text)): \(error)", at: entry)
                    return nil
                }
            }
        }
        return penalties
    }
}
