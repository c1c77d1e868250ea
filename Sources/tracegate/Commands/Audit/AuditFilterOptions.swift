import ArgumentParser
import Audit

/// The filters shared by `audit connections`, `sessions` and `events`.
struct AuditFilterOptions: ParsableArguments {
    @Option(help: "Only rows at or after this time: a duration back from now (2h, 30m, 7d) or a UTC date or date-time.")
    var since: String?

    @Option(help: "Only rows before this time (same forms as --since).")
    var until: String?

    @Option(help: "Only this user (the gateway's identity, not the target login).")
    var user: String?

    @Option(name: .customLong("org"), help: "Only this organization.")
    var organization: String?

    @Option(help: "Only this target.")
    var target: String?

    @Option(help: "Only this login on the target.")
    var login: String?

    @Option(help: "Only this ticket.")
    var ticket: String?

    @Option(help: "Only this result (e.g. allowed, denied, unknown_key, failed; sessions: ok, failed, interrupted).")
    var result: String?

    @Option(help: "At most this many rows, newest first; 0 for all (default: 100 for table, all for json and csv).")
    var limit: Int?

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    static let defaultTableLimit = 100

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        for value in [since, until].compactMap({ $0 }) {
            do { _ = try TimeBoundParser.parse(value) } catch { throw ValidationError(error.description) }
        }
    }

    /// The filter, with times resolved against one "now" so --since and --until agree.
    func makeFilter() throws -> AuditFilter {
        let now = AuditTimestamp.now()
        var filter = AuditFilter(
            user: user, organization: organization, target: target, login: login, ticket: ticket, result: result)
        do {
            filter.since = try since.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) }
            filter.until = try until.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) }
        } catch {
            throw ValidationError(error.description)
        }
        switch limit {
        case nil: filter.limit = format == .table ? Self.defaultTableLimit : nil
        case 0: filter.limit = nil
        case let limit?: filter.limit = limit
        }
        return filter
    }
}
