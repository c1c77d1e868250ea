import Foundation

/// One row of `nodes`, as `tracegate cluster status` shows it.
package struct NodeStatus: Sendable, Hashable {
    package var node: String
    /// Seconds since the node's last heartbeat, by PostgreSQL's clock (no node clock involved).
    package var secondsSinceSeen: Double
    package var configurationSHA256: String?
    package var sessionsOpen: Int
    package var shippedID: Int64
    package var lagEvents: Int64
    package var lagSeconds: Double
    package var version: String?

    /// Every node's row, by name.
    package static func all(_ connection: PostgresConnection) throws -> [NodeStatus] {
        try connection.execute("""
            SELECT node, EXTRACT(EPOCH FROM now() - last_seen), configuration_sha256, sessions_open,
                   shipped_id, lag_events, lag_seconds, version
            FROM nodes ORDER BY node
            """).rows.map { row in
            NodeStatus(
                node: row[0] ?? "", secondsSinceSeen: row[1].flatMap { Double($0) } ?? 0, configurationSHA256: row[2],
                sessionsOpen: row[3].flatMap { Int($0) } ?? 0, shippedID: row[4].flatMap { Int64($0) } ?? 0,
                lagEvents: row[5].flatMap { Int64($0) } ?? 0, lagSeconds: row[6].flatMap { Double($0) } ?? 0,
                version: row[7])
        }
    }
}

/// `cluster status`'s lines: one per node, and whether the nodes run different configurations.
package struct ClusterStatusReport: Sendable, Hashable {
    package var nodes: [NodeStatus]

    package init(nodes: [NodeStatus]) {
        self.nodes = nodes
    }

    /// More than one configuration hash among the nodes: their policies differ.
    package var configurationsDiffer: Bool {
        Set(nodes.map { $0.configurationSHA256 ?? "" }).count > 1
    }

    package var lines: [String] {
        let mismatch = configurationsDiffer
        var lines = nodes.map { status in
            var line = "\(status.node)  seen \(Self.age(status.secondsSinceSeen)) ago"
            line += "  config \(status.configurationSHA256.map { String($0.prefix(12)) } ?? "unknown")"
            if mismatch { line += " (MISMATCH)" }
            line += "  sessions \(status.sessionsOpen)  shipped \(status.shippedID)"
            line += "  lag \(status.lagEvents) events \(Self.age(status.lagSeconds))"
            return line
        }
        if nodes.isEmpty { lines.append("no node has reported yet (is `cluster:` configured on the gateways?)") }
        if mismatch { lines.append("configurations differ between nodes: copy the same file to every node") }
        return lines
    }

    /// 0.4s, 12s, 3m05s, 2h10m: short enough for one line per node.
    static func age(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1fs", max(0, seconds)) }
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }
}
