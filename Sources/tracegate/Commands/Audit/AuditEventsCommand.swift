import ArgumentParser
import Audit

struct AuditEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List raw audit events, newest first.",
        discussion: """
            Filters match each event's own columns; `show ID` gathers a whole connection.
            On a configuration with cluster:, the events of every node come from PostgreSQL, each
            with its node (--database reads one node's own file instead).
            """)

    @OptionGroup var database: AuditDatabaseOptions
    @OptionGroup var filter: AuditFilterOptions

    @Option(help: "Only this kind, e.g. access.decision (see docs/audit-schema.md).")
    var kind: String?

    @Option(help: "Only the events of this connection.")
    var connection: String?

    func validate() throws {
        if let kind, AuditEventKind(rawValue: kind) == nil {
            throw ValidationError("unknown kind \(kind); kinds: \(AuditEventKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        var query = try filter.makeFilter()
        query.kind = kind
        query.connectionID = connection
        let store = try database.openExistingStore()
        let source = try database.trailSource(localStore: store)
        try AuditListingRun.run(
            source.eventListing, filter: query, format: filter.format, store: store, explicitLimit: filter.limit != nil
        ) { (filter, body) throws(AuditError) in try source.forEachEvent(matching: filter, body) }
    }
}
