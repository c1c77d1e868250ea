import ArgumentParser
import Audit

struct AuditSessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List sessions: shells, commands, subsystems and forwards, with exit status and bytes.",
        discussion: "On a configuration with cluster:, every node's sessions come from PostgreSQL, each with its node.")

    @OptionGroup var database: AuditDatabaseOptions
    @OptionGroup var filter: AuditFilterOptions

    @Option(help: "Only the sessions of this connection.")
    var connection: String?

    @Option(help: "Only the sessions that started under an approval by this user.")
    var approvedBy: String?

    func run() throws {
        var query = try filter.makeFilter()
        query.connectionID = connection
        query.approvedBy = approvedBy
        let store = try database.openExistingStore()
        try AuditListingRun.run(
            .sessions, filter: query, format: filter.format, store: store,
            source: try database.trailSource(localStore: store), explicitLimit: filter.limit != nil)
    }
}
