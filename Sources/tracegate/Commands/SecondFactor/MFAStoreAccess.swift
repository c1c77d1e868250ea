import ArgumentParser
import Audit
import Foundation

/// The audit database and the second-factor key of the configuration's state_dir, opened the
/// way `serve` opens them: the state tables live in audit.db and events go into its chain
/// through a writer of this process (as `audit.query` events do while `serve` runs).
struct MFAStoreAccess {
    let store: AuditStore
    let secondFactors: SQLiteSecondFactorStore

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
