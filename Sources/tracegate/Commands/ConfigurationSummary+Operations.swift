import Policy

extension ConfigurationSummary {
    /// The service settings that are not policy, so that a review sees where the gateway will
    /// listen, log and publish metrics, and whether anything will be pruned.
    var operationsLines: [String] {
        let retention = configuration.retention.map { "\($0.components.seconds / 86_400)d (\($0.components.seconds) s)" } ?? "off"
        return [
            "listen: \(configuration.listen)",
            "state_dir: \(configuration.stateDirectory)",
            "log: \(configuration.logLevel), \(configuration.logFormat.rawValue)",
            "metrics: \(configuration.metricsListen.map { "\($0)" } ?? "off")",
            "retention: \(retention)",
            clusterLine,
        ] + webLines
    }

    /// Where the trail is shipped; the URI carries no password (the loader refuses one), and
    /// only where the password comes from is shown.
    private var clusterLine: String {
        guard let cluster = configuration.cluster else { return "cluster: off (one node, SQLite only)" }
        let password = cluster.passwordFile.map { "password from \($0)" }
            ?? "password from \(ClusterSettings.passwordEnvironmentVariable) if set"
        let recordings = cluster.nodeRecordingsDirectory.map { "; recordings in \($0) (shared)" }
            ?? "; recordings in the state directory (this node only)"
        return "cluster: node \(cluster.node), trail shipped to \(cluster.postgresURL) (\(password))\(recordings)"
    }

    /// The auditors' web page and who sees what there (`auditors:`), one line per entry.
    private var webLines: [String] {
        guard let web = configuration.web else {
            return configuration.auditors.isEmpty ? ["web: off"] : ["web: off (auditors: entries unused)"]
        }
        let tls = web.tlsCertificate == nil ? "plain HTTP" : "TLS"
        var lines = ["web: \(web.baseURL) (\(tls), listen \(web.listen), session \(web.session.components.seconds) s, "
                     + "link \(web.linkLifetime.components.seconds) s)"]
        if configuration.auditors.isEmpty { lines.append("auditors: none (nobody can sign in)") }
        for rule in configuration.auditors {
            let who = (rule.subjects.users.map { "user \($0)" } + rule.subjects.groups.map { "group \($0)" }
                       + rule.subjects.organizations.map { "org \($0)" }).joined(separator: ", ")
            var sees: [String] = []
            if rule.view.everything { sees.append("everything") }
            if !rule.view.organizations.isEmpty {
                sees.append("users of and targets owned by " + rule.view.organizations.joined(separator: ", "))
            }
            if !rule.view.targets.names.isEmpty { sees.append("targets " + rule.view.targets.names.joined(separator: ", ")) }
            if !rule.view.targets.labels.isEmpty { sees.append("targets labelled \(rule.view.targets.labels)") }
            lines.append("auditors #\(rule.index) (line \(rule.line)): \(who) sees \(sees.joined(separator: "; "))")
        }
        return lines
    }
}
