import ArgumentParser
import Audit

/// `tracegate audit reviews [--open]`: break-glass review items and who closed them.
struct AuditReviewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews",
        abstract: "List break-glass review items: who broke the glass, why, and who reviewed it.")

    @OptionGroup var database: AuditDatabaseOptions
    @OptionGroup var filter: AuditFilterOptions

    @Flag(help: "Only the items nobody has reviewed yet.")
    var open = false

    func run() throws {
        var query = try filter.makeFilter()
        if open { query.result = ReviewResult.open.rawValue }
        let store = try database.openExistingStore()
        try AuditListingRun.run(
            .reviews, filter: query, format: filter.format, store: store,
            source: try database.trailSource(localStore: store), explicitLimit: filter.limit != nil)
    }
}
