import Yams

/// The service settings: everything except who may reach what.
extension ConfigurationReader {
    mutating func readListen(_ node: Node) -> ListenAddress? {
        guard let text = string(node, "listen") else { return nil }
        do {
            return try ListenAddress(parsing: text)
        } catch {
            diagnostics.report("invalid listen address \(SafeText.quoted(text)): \(error)", at: node)
            return nil
        }
    }

    mutating func readStateDirectory(_ node: Node) -> String? {
        guard let text = string(node, "state_dir") else { return nil }
        guard !text.isEmpty else {
            diagnostics.report("state_dir must not be empty", at: node)
            return nil
        }
        return text
    }

    mutating func readLogLevel(_ node: Node) -> String? {
        guard let text = string(node, "log_level") else { return nil }
        guard Defaults.logLevels.contains(text) else {
            diagnostics.report(
                "unknown log_level \(SafeText.quoted(text)); expected one of: \(Defaults.logLevels.joined(separator: ", "))",
                at: node)
            return nil
        }
        return text
    }

    mutating func readLimits(_ node: Node) -> ConnectionLimits {
        var limits = Defaults.limits
        let keys = ["auth_timeout", "max_auth_attempts", "kex_timeout", "max_unauthenticated", "upstream_timeout", "close_grace",
                    "drain_timeout", "unauthenticated_drop_start", "unauthenticated_drop_rate",
                    "max_channels_per_connection", "max_sessions_per_user"]
        guard let fields = fields(of: node, "limits", allowed: keys) else { return limits }
        if let value = fields["auth_timeout"].flatMap({ duration($0, "limits.auth_timeout") }) { limits.authTimeout = value }
        if let value = fields["kex_timeout"].flatMap({ duration($0, "limits.kex_timeout") }) { limits.keyExchangeTimeout = value }
        if let value = fields["upstream_timeout"].flatMap({ duration($0, "limits.upstream_timeout") }) { limits.upstreamTimeout = value }
        if let value = fields["close_grace"].flatMap({ duration($0, "limits.close_grace") }) { limits.closeGrace = value }
        if let value = fields["drain_timeout"].flatMap({ duration($0, "limits.drain_timeout") }) { limits.drainTimeout = value }
        if let value = fields["max_auth_attempts"].flatMap({ positiveInteger($0, "limits.max_auth_attempts") }) {
            limits.maxAuthAttempts = value
        }
        if let value = fields["max_unauthenticated"].flatMap({ positiveInteger($0, "limits.max_unauthenticated") }) {
            limits.maxUnauthenticated = value
        }
        readFloodLimits(fields, into: &limits)
        return limits
    }

    mutating func readEnvironmentAllowList(_ node: Node) -> [String]? {
        guard let entries = strings(node, "env_allow") else { return nil }
        var patterns: [String] = []
        for (text, entry) in entries {
            guard ScalarSyntax.isEnvironmentPattern(text) else {
                diagnostics.report(
                    "invalid env_allow entry \(SafeText.quoted(text)): expected a variable name, optionally ending in * to match a prefix",
                    at: entry)
                continue
            }
            if !patterns.contains(text) { patterns.append(text) }
        }
        return patterns
    }

    mutating func readAlgorithms(_ node: Node) -> AlgorithmPreferences {
        var algorithms = AlgorithmPreferences()
        guard let fields = fields(of: node, "algorithms", allowed: ["kex", "upstream_kex", "ciphers", "macs", "host_keys", "public_keys"]) else {
            return algorithms
        }
        if let list = fields["kex"].flatMap({ algorithmList($0, "algorithms.kex") }) { algorithms.kex = list }
        // Towards targets: the default adds ECDH for older targets; an operator who requires
        // post-quantum key exchange there too lists it here.
        if let list = fields["upstream_kex"].flatMap({ algorithmList($0, "algorithms.upstream_kex") }) { algorithms.upstreamKex = list }
        if let list = fields["ciphers"].flatMap({ algorithmList($0, "algorithms.ciphers") }) { algorithms.ciphers = list }
        if let list = fields["macs"].flatMap({ algorithmList($0, "algorithms.macs") }) { algorithms.macs = list }
        if let list = fields["host_keys"].flatMap({ algorithmList($0, "algorithms.host_keys") }) { algorithms.hostKeys = list }
        if let list = fields["public_keys"].flatMap({ algorithmList($0, "algorithms.public_keys") }) { algorithms.publicKeys = list }
        return algorithms
    }

    mutating func duration(_ node: Node, _ what: String) -> Duration? {
        guard let text = string(node, what) else { return nil }
        guard let duration = ScalarSyntax.duration(text) else {
            diagnostics.report(
                "invalid duration \(SafeText.quoted(text)) for \(what): expected a positive number of seconds or e.g. 30s, 5m, 1h",
                at: node)
            return nil
        }
        return duration
    }

    mutating func positiveInteger(_ node: Node, _ what: String) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = ScalarSyntax.positiveInteger(Substring(text)) else {
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected a positive integer", at: node)
            return nil
        }
        return value
    }

    // An empty list would leave no algorithm to negotiate: every connection would fail.
    private mutating func algorithmList(_ node: Node, _ what: String) -> [String]? {
        guard let entries = strings(node, what) else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report("\(what) must list at least one algorithm", at: node)
            return nil
        }
        var names: [String] = []
        var valid = true
        for (text, entry) in entries {
            guard ScalarSyntax.isAlgorithmName(text) else {
                diagnostics.report("invalid algorithm name \(SafeText.quoted(text)) in \(what)", at: entry)
                valid = false
                continue
            }
            if !names.contains(text) { names.append(text) }
        }
        return valid ? names : nil
    }
}
