import ArgumentParser
import Audit

struct AuditConnectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "List client connections: who, from where, to which target, and the outcome.",
        discussion: "On a configuration with cluster:, every node's connections come from PostgreSQL, each with its node.")

    @OptionGroup var database: AuditDatabaseOptions
    @OptionGroup var filter: AuditFilterOptions

    func run() throws {
        let store = try database.openExistingStore()
        try AuditListingRun.run(
            .connections, filter: try filter.makeFilter(), format: filter.format, store: store,
            source: try database.trailSource(localStore: store), explicitLimit: filter.limit != nil)
    }
}
