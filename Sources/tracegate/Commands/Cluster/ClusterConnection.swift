import ArgumentParser
import ClusterStore
import Gateway
import Policy

/// The PostgreSQL of a clustered configuration, for the commands that read or set it up.
enum ClusterConnection {
    /// The configuration's `cluster:`; exits 2 with one line when there is none.
    static func settings(_ configuration: GatewayConfiguration, path: String) throws -> ClusterSettings {
        guard let cluster = configuration.cluster else {
            printError("tracegate: \(path) has no cluster: section (cluster: {node: NAME, postgres: \"postgresql://…\"})")
            throw ExitCode(2)
        }
        return cluster
    }

    /// Connects with the configured URI and password; exits 2 with the server's reason.
    static func open(_ cluster: ClusterSettings) throws -> PostgresConnection {
        do {
            return try PostgresConnection(try cluster.endpoint())
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
    }

    /// Connects to a database that has the schema; without it, says which command creates it
    /// rather than a missing relation's error.
    static func openMigrated(_ cluster: ClusterSettings, configPath: String) throws -> PostgresConnection {
        let connection = try open(cluster)
        let version: Int
        do {
            version = try PostgresMigrator.version(of: connection)
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
        guard version > 0 else {
            printError("tracegate: the PostgreSQL database has no tracegate schema; run `tracegate cluster migrate --config \(configPath)`")
            throw ExitCode(2)
        }
        return connection
    }
}
