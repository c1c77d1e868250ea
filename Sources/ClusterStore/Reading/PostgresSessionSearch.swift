import Audit

/// `audit search` on the cluster's PostgreSQL: the same answer as on a node (sessions whose
/// text contains TEXT as typed, case-insensitively, newest first, with context), from every
/// node's shipped lines.
///
/// PostgreSQL's own full-text search finds the candidate lines by the words of TEXT as a
/// phrase, through migration 0006's index on the line's letters and digits; a substring test
/// then keeps only the lines that contain TEXT itself. No extension is needed.
extension PostgresTrailSource {
    /// The indexed expression of migration 0006, repeated exactly so that the index serves it.
    private static let lineWords = "to_tsvector('simple'::regconfig, regexp_replace(line, '[^[:alnum:]]+', ' ', 'g'))"

    package func searchSessionText(_ text: String, matching filter: AuditFilter, contextLines: Int) throws(AuditError) -> [SessionTextHit] {
        let words = AuditStore.searchWords(text)
        guard !words.isEmpty else { throw .invalidFilter("the search text needs at least one letter or digit") }
        // The limit counts matching sessions, so it applies after the join, not to the filter.
        var sessionFilter = filter
        sessionFilter.limit = nil
        let sessions = try PostgresListingQuery(listing: .searchedSessions, filter: sessionFilter, ordered: false)
        let phrase = "$\(sessions.parameters.count + 1)"
        let typed = "$\(sessions.parameters.count + 2)"
        var sql = """
            WITH hits AS (
                SELECT node, session_id, min(id) AS first_line, count(*) AS matching_lines
                FROM session_lines
                WHERE \(Self.lineWords) @@ phraseto_tsquery('simple'::regconfig, \(phrase))
                    AND strpos(lower(line), lower(\(typed))) > 0
                GROUP BY node, session_id
            ), matching AS (\(sessions.sql))
            SELECT matching.*, hits.first_line, hits.matching_lines
            FROM hits JOIN matching ON matching.node = hits.node AND matching.session_id = hits.session_id
            ORDER BY matching.opened_at DESC, matching.node, matching.session_id
            """
        if let limit = filter.limit {
            guard limit >= 0 else { throw .invalidFilter("the limit must be 0 or more") }
            sql += " LIMIT \(limit)"
        }
        let sessionColumns = AuditListing.searchedSessions.withNode().columns.count
        return try reading {
            let result = try connection.execute(sql, sessions.parameters + [words.joined(separator: " "), text])
            var header = result
            header.columns = Array(result.columns.prefix(sessionColumns))
            header.types = Array(result.types.prefix(sessionColumns))
            return try result.rows.map { row in
                let session = PostgresRecord.make(header, Array(row.prefix(sessionColumns)))
                guard case .string(let node)? = session["node"], case .string(let sessionID)? = session["session_id"],
                      let firstLine = row[sessionColumns], let matching = row[sessionColumns + 1].flatMap({ Int($0) }) else {
                    throw AuditError.queryFailed(reason: "a search hit without its session")
                }
                let hit = try connection.execute(
                    "SELECT source, line FROM session_lines WHERE node = $1 AND id = $2", [node, firstLine]).rows.first
                let before = try connection.execute("""
                    SELECT line FROM session_lines WHERE session_id = $1 AND node = $2 AND id < $3 ORDER BY id DESC LIMIT $4
                    """, [sessionID, node, firstLine, String(contextLines)]).rows.compactMap { $0[0] }
                let after = try connection.execute("""
                    SELECT line FROM session_lines WHERE session_id = $1 AND node = $2 AND id > $3 ORDER BY id LIMIT $4
                    """, [sessionID, node, firstLine, String(contextLines)]).rows.compactMap { $0[0] }
                return SessionTextHit(
                    session: session, line: (hit?[1] ?? nil) ?? "", source: (hit?[0] ?? nil) ?? "",
                    before: before.reversed(), after: after, matchingLines: matching)
            }
        }
    }
}
