import Audit

/// The statement behind `audit events` on PostgreSQL: the same filters as on SQLite, as
/// numbered parameters. Who and what (user, organisation, target, login, ticket) select whole
/// connections, as on SQLite: the first events of a connection do not carry its user yet.
/// PostgreSQL has no `connections` table, so the connections are found in `events` itself.
struct PostgresEventQuery {
    var sql: String
    var parameters: [String?]

    init(filter: AuditFilter, listing: AuditListing = .nodeEvents) throws(AuditError) {
        var conditions: [String] = []
        var parameters: [String?] = []
        func bind(_ value: String) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let since = filter.since { conditions.append("time >= \(bind(since.iso8601))") }
        if let until = filter.until { conditions.append("time < \(bind(until.iso8601))") }
        if filter.pathGlob != nil { throw .invalidFilter("events cannot be filtered by path") }
        var identity: [String] = []
        for (column, value) in filter.exactMatches {
            guard listing.filterableColumns.contains(column) else {
                throw .invalidFilter("events cannot be filtered by \(column)")
            }
            let match = "\(PostgresEventColumns.quoted(column)) = \(bind(value))"
            if listing.matchedThroughConnections.contains(column) {
                identity.append(match)
            } else {
                conditions.append(match)
            }
        }
        if !identity.isEmpty {
            let matches = identity.joined(separator: " AND ")
            conditions.append("((node, connection_id) IN (SELECT node, connection_id FROM events WHERE \(matches))"
                + " OR (connection_id IS NULL AND \(matches)))")
        }
        var sql = "SELECT node, \(PostgresEventColumns.selection) FROM events"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY time DESC, node, id DESC"
        if let limit = filter.limit {
            guard limit >= 0 else { throw .invalidFilter("the limit must be 0 or more") }
            sql += " LIMIT \(limit)"
        }
        self.sql = sql
        self.parameters = parameters
    }
}
