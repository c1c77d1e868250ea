import Yams

/// `cluster: {node: gw-1, postgres: "postgresql://tracegate@10.0.0.5/tracegate", password_file: …}`.
extension ConfigurationReader {
    mutating func readCluster(_ node: Node) -> ClusterSettings? {
        guard let fields = fields(of: node, "cluster", allowed: ["node", "postgres", "password_file"]) else { return nil }
        guard let nameNode = required("node", in: fields), let name = string(nameNode, "cluster.node") else { return nil }
        guard NameSyntax.isValidName(name) else {
            // The name goes into every shipped row and into log lines: the same safe grammar as targets.
            diagnostics.report("invalid cluster.node \(SafeText.quoted(name)): \(NameSyntax.nameRule)", at: nameNode)
            return nil
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
        return settings
    }
}
