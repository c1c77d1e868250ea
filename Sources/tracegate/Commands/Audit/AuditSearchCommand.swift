import ArgumentParser
import Audit
import Foundation

/// `tracegate audit search TEXT`: the sessions whose terminal output, captured output or
/// command line contains TEXT, newest first.
struct AuditSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find sessions whose commands or terminal output contain TEXT.",
        discussion: """
            TEXT is matched case-insensitively as typed (e.g. 'rm -rf'), against terminal output with
            escape sequences removed, captured command output and exec command lines. Each matching
            session is listed once with its first matching line and the lines around it. On a
            configuration with cluster:, every node's sessions are searched in PostgreSQL.
            """)

    @Argument(help: "The text to look for.")
    var text: String

    @OptionGroup var database: AuditDatabaseOptions
    @OptionGroup var filter: AuditFilterOptions

    @Option(help: "Lines of context shown before and after the matching line.")
    var context = 2

    func validate() throws {
        if text.allSatisfy({ !($0.isLetter || $0.isNumber) }) {
            throw ValidationError("the search text needs at least one letter or digit")
        }
        if context < 0 { throw ValidationError("--context must be 0 or more") }
    }

    func run() throws {
        let query = try filter.makeFilter()
        let store = try database.openExistingStore()
        var recorded = query.auditDetails
        recorded["text"] = .string(text)
        recorded["format"] = .string(filter.format.rawValue)
        try recordQuery(store, command: "search", filter: recorded)

        let source = try database.trailSource(localStore: store)
        let hits = try auditing { () throws(AuditError) in
            try source.searchSessionText(text, matching: query, contextLines: context)
        }
        let output = BufferedOutput()
        switch filter.format {
        case .table:
            for hit in hits { SearchHitText.lines(for: hit).forEach(output.writeLine) }
            if hits.isEmpty { printError("(no session matches)") }
        case .json, .csv:
            var renderer = RecordRenderer(format: filter.format.exportFormat, listing: source.printed(.searchHits)) { output.writeLine($0) }
            for hit in hits { renderer.add(hit.record) }
            renderer.finish()
        }
        output.flush()
        if filter.format == .table, filter.limit == nil, hits.count == AuditFilterOptions.defaultTableLimit {
            printError("(the newest \(hits.count) sessions shown; use --limit N or --limit 0 for all)")
        }
    }
}

/// How a hit reads in a terminal: one heading line naming the session, then the context with
/// the matching line marked.
enum SearchHitText {
    static func lines(for hit: SessionTextHit) -> [String] {
        let value = { (column: String) -> String in
            guard let index = hit.session.columns.firstIndex(of: column) else { return "" }
            if case .string(let text) = hit.session.values[index] { return text }
            return ""
        }
        let opened = String(value("opened_at").prefix(19)).replacingOccurrences(of: "T", with: " ")
        let organization = value("organization").isEmpty ? "" : " (\(value("organization")))"
        let more = hit.matchingLines > 1 ? ", \(hit.matchingLines) matching lines" : ""
        let node = value("node").isEmpty ? "" : "\(value("node"))  "
        var lines = ["\(opened)  \(node)\(value("session_id"))  \(value("user"))\(organization)  "
            + "\(value("login"))@\(value("target"))  connection \(value("connection_id"))\(more)"]
        lines += hit.before.map { "    \($0)" }
        lines.append(hit.source == "command" ? "  $ \(hit.line)" : "  > \(hit.line)")
        lines += hit.after.map { "    \($0)" }
        lines.append("")
        return lines
    }
}
