import ArgumentParser
import Audit

struct AuditSessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List sessions: shells, commands, subsystems and forwards, with exit status and bytes.")

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
        try AuditListingRun.run(
            .sessions, filter: query, format: filter.format, store: try database.openExistingStore(),
            explicitLimit: filter.limit != nil)
    }
}
