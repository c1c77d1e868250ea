internal import GRDB

/// One session whose text matched `tracegate audit search`, with its first matching line and
/// the lines around it.
package struct SessionTextHit: Sendable, Hashable {
    package var session: AuditRecord
    package var line: String
    package var source: String
    package var before: [String]
    package var after: [String]
    package var matchingLines: Int

    package init(session: AuditRecord, line: String, source: String, before: [String], after: [String], matchingLines: Int) {
        self.session = session
        self.line = line
        self.source = source
        self.before = before
        self.after = after
        self.matchingLines = matchingLines
    }

    static let columns = ["source", "line", "context_before", "context_after", "matching_lines"]

    /// The session's columns followed by the hit's, for json and csv (context joined by newlines).
    package var record: AuditRecord {
        AuditRecord(
            columns: session.columns + Self.columns,
            values: session.values + [
                .string(source), .string(line), .string(before.joined(separator: "\n")),
                .string(after.joined(separator: "\n")), AuditValue(matchingLines),
            ])
    }
}

extension AuditListing {
    /// The session columns a search reads, and the filters it takes, from the sessions view.
    package static let searchedSessions = AuditListing(
        name: "search",
        source: "session_summary",
        timeColumn: "opened_at",
        order: "opened_at DESC",
        columns: [
            "session_id", "connection_id", "opened_at", "closed_at", "user", "organization", "target", "login",
            "ticket", "channel_type", "command", "recording_path",
        ],
        tableColumns: [],
        timeColumns: ["opened_at", "closed_at"],
        filterableColumns: ["user", "organization", "target", "login", "ticket", "result"],
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )

    /// What `tracegate audit search` prints for each hit: the session, then the hit.
    package static let searchHits = AuditListing(
        name: "search",
        source: searchedSessions.source,
        timeColumn: searchedSessions.timeColumn,
        order: searchedSessions.order,
        columns: searchedSessions.columns + SessionTextHit.columns,
        tableColumns: ["opened_at", "session_id", "user", "organization", "target", "login", "line"],
        timeColumns: searchedSessions.timeColumns,
        filterableColumns: searchedSessions.filterableColumns,
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )
}

extension AuditStore {
    /// Sessions whose indexed text contains `text` (case-insensitive, ASCII), newest first,
    /// filtered by `filter` on the session row; `contextLines` lines each side of the first hit.
    ///
    /// FTS5 finds the candidate lines by the words of `text` as a phrase (so punctuation such
    /// as the `-` of `rm -rf` does not become query syntax), then a substring test keeps only
    /// the lines that contain `text` as typed. Grouping by session happens before the join, so
    /// the filters and the limit apply to sessions, not to lines.
    package func searchSessionText(
        _ text: String, matching filter: AuditFilter, scope: AuditScope = .everything, contextLines: Int = 2
    ) throws(AuditError) -> [SessionTextHit] {
        let words = Self.searchWords(text)
        guard !words.isEmpty else { throw .invalidFilter("the search text needs at least one letter or digit") }
        let phrase = "\"" + words.joined(separator: " ") + "\""
        // The limit counts matching sessions, so it applies after the join, not to the filter.
        var sessionFilter = filter
        sessionFilter.limit = nil
        let (filterSQL, filterArguments) = try AuditListing.searchedSessions.statement(for: sessionFilter, scope: scope)
        // `statement(for:)` selects from the view with the filters; the hits join it by id.
        let sql = """
            WITH hits AS (
                SELECT l.session_id AS session_id, min(l.id) AS first_line, count(*) AS matching_lines
                FROM session_text JOIN session_lines l ON l.id = session_text.rowid
                WHERE session_text MATCH ? AND instr(lower(l.line), lower(?)) > 0
                GROUP BY l.session_id
            ), matching AS (\(filterSQL))
            SELECT matching.*, hits.first_line, hits.matching_lines
            FROM hits JOIN matching ON matching.session_id = hits.session_id
            ORDER BY matching.opened_at DESC, matching.session_id
            \(filter.limit.map { "LIMIT \($0)" } ?? "")
            """
        let columns = AuditListing.searchedSessions.columns
        var arguments: StatementArguments = [phrase, text]
        arguments += filterArguments
        return try read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return try rows.map { row in
                let firstLine: Int64 = row["first_line"]
                let session = AuditRecord(row: row, columns: columns)
                let sessionID: String = row["session_id"]
                let hit = try Row.fetchOne(db, sql: "SELECT source, line FROM session_lines WHERE id = ?",
                                           arguments: [firstLine])
                let before = try String.fetchAll(db, sql: """
                    SELECT line FROM session_lines WHERE session_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                    """, arguments: [sessionID, firstLine, contextLines])
                let after = try String.fetchAll(db, sql: """
                    SELECT line FROM session_lines WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?
                    """, arguments: [sessionID, firstLine, contextLines])
                return SessionTextHit(
                    session: session, line: hit?["line"] ?? "", source: hit?["source"] ?? "",
                    before: before.reversed(), after: after, matchingLines: row["matching_lines"])
            }
        }
    }

    /// The words FTS5's unicode61 tokenizer would see: runs of letters and digits.
    package static func searchWords(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
