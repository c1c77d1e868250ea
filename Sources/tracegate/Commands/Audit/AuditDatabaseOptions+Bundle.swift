import Audit
import ClusterStore
import Foundation

extension AuditDatabaseOptions {
    /// Where `audit bundle` reads: with `cluster:` configured (and no `--database`), every
    /// node's chain and rows in PostgreSQL; otherwise the node's own trail. The bundle writer
    /// takes either the same way.
    func bundleSource(localStore: AuditStore) throws -> any BundleSource {
        let stateDirectory = (try databasePath() as NSString).deletingLastPathComponent
        guard database == nil, let cluster = try configuration.load().cluster else {
            return SQLiteBundleSource(store: localStore, stateDirectory: stateDirectory)
        }
        return PostgresBundleSource(
            connection: try ClusterConnection.openMigrated(cluster, configPath: configuration.config),
            localNode: cluster.node, localStateDirectory: stateDirectory, sharedRecordings: cluster.recordingsDirectory)
    }
}
