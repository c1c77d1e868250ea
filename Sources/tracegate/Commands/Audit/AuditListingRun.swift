import ArgumentParser
import Audit

/// What `audit connections`, `sessions` and `events` share: record the query, stream the rows
/// to the renderer, show progress for long exports.
enum AuditListingRun {
    static func run(
        _ listing: AuditListing, filter: AuditFilter, format: OutputFormat, store: AuditStore, explicitLimit: Bool
    ) throws {
        try run(listing, filter: filter, format: format, store: store, explicitLimit: explicitLimit) {
            (filter, body) throws(AuditError) in try store.forEachRecord(in: listing, matching: filter, body)
        }
    }

    /// The same, from `source`: the node's own trail, or every node's on a cluster (each row
    /// with its node); the query is still recorded in the node's own trail, which ships it.
    static func run(
        _ listing: AuditListing, filter: AuditFilter, format: OutputFormat, store: AuditStore,
        source: any AuditListingSource, explicitLimit: Bool
    ) throws {
        try run(source.printed(listing), filter: filter, format: format, store: store, explicitLimit: explicitLimit) {
            (filter, body) throws(AuditError) in try source.forEachRecord(in: listing, matching: filter, body)
        }
    }

    /// The same, with the rows read by `rows` (the events of a cluster come from PostgreSQL);
    /// the query is still recorded first in the node's own trail, which ships it too.
    static func run(
        _ listing: AuditListing, filter: AuditFilter, format: OutputFormat, store: AuditStore, explicitLimit: Bool,
        rows: (AuditFilter, (AuditRecord) throws -> Void) throws(AuditError) -> Void
    ) throws {
        var recorded = filter.auditDetails
        recorded["format"] = .string(format.rawValue)
        try recordQuery(store, command: listing.name, filter: recorded)

        let output = BufferedOutput()
        // Progress only for exports going to a file or pipe while a person watches the terminal.
        let progress = ProgressMeter("rows", enabled: format != .table && Terminal.standardErrorIsTerminal
            && !Terminal.standardOutputIsTerminal)
        var renderer = RecordRenderer(format: format.exportFormat, listing: listing) { output.writeLine($0) }
        var count: Int64 = 0
        try auditing { () throws(AuditError) in
            try rows(filter) { record in
                renderer.add(record)
                count += 1
                progress.update(count)
            }
        }
        progress.finish()
        renderer.finish()
        output.flush()
        if format == .table, !explicitLimit, count == Int64(AuditFilterOptions.defaultTableLimit) {
            printError("(the newest \(count) shown; use --limit N, --limit 0 for all, or --format csv)")
        }
    }
}
