import ArgumentParser
import Audit
import ClusterStore
import Gateway
import Foundation

/// The audit database and the second-factor key of the configuration's state_dir, opened the
/// way `serve` opens them: the state tables live in audit.db and events go into its chain
/// through a writer of this process (as `audit.query` events do while `serve` runs).
/// With `cluster:` (and no `--database`), the state is the cluster's, in PostgreSQL, as the
/// nodes read it; the event still goes into this node's own chain.
struct MFAStoreAccess {
    let store: AuditStore
    let secondFactors: any SecondFactorStore

    static func open(_ options: AuditDatabaseOptions) throws -> MFAStoreAccess {
        let path = try options.databasePath()
        let stateDirectory = (path as NSString).deletingLastPathComponent
        let store = try auditing { () throws(AuditError) in try AuditStore.open(path: path) }
        let sealer: SecretSealer
        do {
            sealer = try SecretSealer.loadOrCreate(stateDirectory: stateDirectory.isEmpty ? "." : stateDirectory)
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
        if options.database == nil, let cluster = try options.configuration.load().cluster {
            let endpoint: PostgresEndpoint
            do {
                endpoint = try cluster.endpoint()
            } catch {
                printError("tracegate: \(error)")
                throw ExitCode(2)
            }
            return MFAStoreAccess(store: store, secondFactors: ClusteredSecondFactorStore(
                node: cluster.node, endpoint: endpoint, sealer: sealer))
        }
        return MFAStoreAccess(store: store, secondFactors: SQLiteSecondFactorStore(store: store, sealer: sealer))
    }

    /// Appends `event` durably; the change it describes was already made.
    func record(_ event: AuditEvent) throws {
        let writer = store.makeWriter()
        defer { writer.close() }
        try auditing { () throws(AuditError) in try writer.recordDurably(event) }
    }
}

func secondFactorStore<T>(_ body: () throws(SecondFactorError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("tracegate: \(error)")
        throw ExitCode(2)
    }
}
