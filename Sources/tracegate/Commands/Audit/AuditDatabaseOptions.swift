import ArgumentParser
import Audit
import ClusterStore
import Foundation

/// `--config PATH` or `--database PATH`: where the trail is.
struct AuditDatabaseOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigOption

    @Option(help: "The audit database file (default: audit.db in the configuration's state_dir).")
    var database: String?

    func databasePath() throws -> String {
        if let database { return database }
        return AuditStore.databasePath(stateDirectory: try configuration.load().stateDirectory)
    }

    /// Opens an existing trail. Reading commands never create one: an empty database made at a
    /// mistyped path would answer "nothing happened".
    func openExistingStore() throws -> AuditStore {
        let path = try databasePath()
        guard FileManager.default.fileExists(atPath: path) else {
            printError("tracegate: no audit database at \(path) (check state_dir in \(configuration.config), or pass --database)")
            throw ExitCode(2)
        }
        return try auditing { () throws(AuditError) in try AuditStore.open(path: path) }
    }
}

extension AuditDatabaseOptions {
    /// Where `verify`, `events`, the listings, `show` and `search` read the trail: with
    /// `cluster:` configured, PostgreSQL with every node's chain and rows; with `--database`,
    /// or without `cluster:`, the node's own file.
    func trailSource(localStore: AuditStore) throws -> any AuditTrailSource {
        guard database == nil, let cluster = try configuration.load().cluster else {
            return SQLiteTrailSource(store: localStore)
        }
        return PostgresTrailSource(connection: try ClusterConnection.openMigrated(cluster, configPath: configuration.config))
    }
}

/// Records that the trail is being read, durably, before reading it; refuses otherwise.
func recordQuery(_ store: AuditStore, command: String, filter: [String: AuditValue]) throws {
    do {
        try store.recordQuery(by: .current(), command: command, filter: filter)
    } catch {
        printError("tracegate: refusing to read the audit trail because the query cannot be recorded: \(error)")
        throw ExitCode(2)
    }
}

/// Runs `body`, turning an `AuditError` into its message on standard error and exit status 2.
func auditing<T>(_ body: () throws(AuditError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("tracegate: \(error)")
        throw ExitCode(2)
    }
}
