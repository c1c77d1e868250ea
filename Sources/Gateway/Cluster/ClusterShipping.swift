import Audit
import ClusterStore
import Logging
import Policy

extension ClusterSettings {
    /// The URI with the password from `password_file` or `TRACEGATE_POSTGRES_PASSWORD`.
    package func endpoint() throws(PostgresError) -> PostgresEndpoint {
        try PostgresEndpoint.resolve(url: postgresURL, passwordFile: passwordFile,
                                     environmentVariable: ClusterSettings.passwordEnvironmentVariable)
    }
}

/// The shipper of a node with `cluster:`: its trail goes to PostgreSQL from a thread of its
/// own while the gateway serves, whether PostgreSQL is up or not. Made with the service, and
/// started by `run()` once every port is bound: a start that fails ships nothing.
enum ClusterShipping {
    static func make(settings: ClusterSettings, store: AuditStore, metrics: GatewayMetrics,
                     digest: LoadedConfigurationDigest, logger: Logger) throws -> EventShipper {
        // An unreadable password file is a configuration error: better refused at start than
        // discovered as a silent, growing lag.
        let endpoint = try settings.endpoint()
        let shipper = EventShipper(node: settings.node, endpoint: endpoint, store: store, logger: logger) { [metrics, digest] in
            NodeFacts(configurationSHA256: digest.current, sessionsOpen: metrics.activeSessionCount,
                      version: GatewayVersion.current)
        }
        return shipper
    }
}
