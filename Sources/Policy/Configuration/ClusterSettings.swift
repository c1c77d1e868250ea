import Foundation

/// `cluster:`: this gateway is one node of several that ship their trails to one PostgreSQL.
///
/// The password is never part of the configuration: the YAML is reviewed like code and
/// copied between nodes, so a secret in it would travel with every review and copy. It comes
/// from `password_file` or the environment variable `TRACEGATE_POSTGRES_PASSWORD`.
package struct ClusterSettings: Hashable, Sendable {
    /// This node's name, on every row it ships (`node` column) and in `cluster status`.
    package var node: String
    /// A libpq connection URI without a password, e.g. `postgresql://tracegate@10.0.0.5:5432/tracegate`.
    package var postgresURL: String
    /// A file holding the password (its first line); nil: the environment, or none (trust, peer).
    package var passwordFile: String?
    /// A directory every node mounts at this same path (`cluster.recordings`): each node writes
    /// its recordings in its own subdirectory there, so that `replay` and the web page on any
    /// node read another node's recording by the path on its session row. Nil: the node's
    /// STATE_DIR/recordings, which only that node can read.
    package var recordingsDirectory: String?

    /// This node's directory under `recordingsDirectory`, when one is configured.
    package var nodeRecordingsDirectory: String? {
        recordingsDirectory.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/" + node }
    }

    /// The environment variable read when no `password_file` is configured.
    package static let passwordEnvironmentVariable = "TRACEGATE_POSTGRES_PASSWORD"

    /// The environment variable naming the node when the file does not.
    package static let nodeEnvironmentVariable = "TRACEGATE_NODE"

    /// The node's name when `cluster.node` is not written: `TRACEGATE_NODE`, else the host
    /// name up to its first dot; with where it came from, for the error when it is not valid.
    package static func machineNodeName(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (name: String, source: String)? {
        if let name = environment[nodeEnvironmentVariable], !name.isEmpty { return (name, nodeEnvironmentVariable) }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        return host.isEmpty ? nil : (host, "the host name")
    }

    package init(node: String, postgresURL: String, passwordFile: String? = nil) {
        self.node = node
        self.postgresURL = postgresURL
        self.passwordFile = passwordFile
    }
}
