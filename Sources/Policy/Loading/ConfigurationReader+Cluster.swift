import Yams

/// `cluster: {node: gw-1, postgres: "postgresql://tracegate@10.0.0.5/tracegate", password_file: …, recordings: /shared/dir}`.
extension ConfigurationReader {
    mutating func readCluster(_ node: Node) -> ClusterSettings? {
        guard let fields = fields(of: node, "cluster", allowed: ["node", "postgres", "password_file", "recordings"]) else { return nil }
        // Without `node`, the name comes from the machine (TRACEGATE_NODE, else the host name),
        // so that every node can run the very same file and `cluster status` flags only real
        // differences between their configurations.
        let name: String
        if let nameNode = fields["node"] {
            guard let written = string(nameNode, "cluster.node") else { return nil }
            guard NameSyntax.isValidName(written) else {
                // The name goes into every shipped row and into log lines: the same safe grammar as targets.
                diagnostics.report("invalid cluster.node \(SafeText.quoted(written)): \(NameSyntax.nameRule)", at: nameNode)
                return nil
            }
            name = written
        } else {
            let machine = ClusterSettings.machineNodeName()
            guard let machine, NameSyntax.isValidName(machine.name) else {
                diagnostics.report("cluster.node is not set and \(machine.map { "\($0.source) \(SafeText.quoted($0.name))" } ?? "the host name") "
                                   + "is not a valid node name (\(NameSyntax.nameRule)): set cluster.node or \(ClusterSettings.nodeEnvironmentVariable)",
                                   at: node)
                return nil
            }
            name = machine.name
        }
        guard let urlNode = required("postgres", in: fields), let url = string(urlNode, "cluster.postgres") else { return nil }
        if let problem = PostgresURLRule.problem(with: url) {
            // The URL itself is not repeated: it may hold the very password being refused.
            diagnostics.report(problem, at: urlNode)
            return nil
        }
        var settings = ClusterSettings(node: name, postgresURL: url)
        if let fileNode = fields["password_file"] {
            guard let path = string(fileNode, "cluster.password_file"), !path.isEmpty else { return nil }
            settings.passwordFile = path
        }
        if let recordingsNode = fields["recordings"] {
            guard let path = string(recordingsNode, "cluster.recordings") else { return nil }
            // Absolute: every node must name the same directory, whatever its working directory.
            guard path.hasPrefix("/") else {
                diagnostics.report("cluster.recordings must be an absolute path (a directory every node mounts)", at: recordingsNode)
                return nil
            }
            settings.recordingsDirectory = path
        }
        return settings
    }
}
