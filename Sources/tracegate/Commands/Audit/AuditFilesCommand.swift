import ArgumentParser
import Audit

struct AuditFilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "List the file-transfer ledger: each file moved by sftp or scp, with path, direction, size and SHA-256.",
        discussion: """
            One row per file opened (upload or download), per remove, rename, mkdir, rmdir, setstat,
            symlink and directory listing over sftp, and per refusal by a grant's file rules.
            integrity is complete when the whole file crossed in order (sha256 is then its content),
            partial with the covered ranges otherwise (a resumed transfer), unparsed or overflow
            when the ledger could not follow the session (the transfer itself was untouched).
            On a configuration with cluster:, every node's files come from PostgreSQL, each with its node.
            """)

    @OptionGroup var database: AuditDatabaseOptions

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

    @Option(help: "Only upload or download.")
    var direction: String?

    @Option(help: "Only paths matching this glob (* ? [..], case-sensitive), e.g. '/srv/exports/*'.")
    var path: String?

    @Option(help: "Only files whose content has this SHA-256 (hex).")
    var sha256: String?

    @Option(help: "Only the files of this connection.")
    var connection: String?

    @Option(help: "At most this many rows, newest first; 0 for all (default: 100 for table, all for json and csv).")
    var limit: Int?

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    func validate() throws {
        if let direction, direction != "upload" && direction != "download" {
            throw ValidationError("--direction must be upload or download")
        }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw ValidationError("--sha256 takes 64 hexadecimal digits")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        for value in [since, until].compactMap({ $0 }) {
            do { _ = try TimeBoundParser.parse(value) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let now = AuditTimestamp.now()
        var filter = AuditFilter(user: user, organization: organization, target: target, connectionID: connection)
        filter.direction = direction
        filter.sha256 = sha256?.lowercased()
        filter.pathGlob = path
        do {
            filter.since = try since.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) }
            filter.until = try until.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) }
        } catch {
            throw ValidationError(error.description)
        }
        switch limit {
        case nil: filter.limit = format == .table ? AuditFilterOptions.defaultTableLimit : nil
        case 0: filter.limit = nil
        case let limit?: filter.limit = limit
        }
        let store = try database.openExistingStore()
        try AuditListingRun.run(.files, filter: filter, format: format, store: store,
                                source: try database.trailSource(localStore: store), explicitLimit: limit != nil)
    }
}
