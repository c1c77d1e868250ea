import Audit

/// The statement behind `audit connections|sessions|files` on PostgreSQL: the listing's view
/// with `node` first, the same filters as on SQLite as numbered parameters, newest first.
/// Unlike the node's SQLite, PostgreSQL indexes the sessions' own user, target, login and
/// ticket (migration 0006), so every filter is on the row's own column.
struct PostgresListingQuery {
    var sql: String
    var parameters: [String?]

    /// `node`: only that node's rows (a connection's sessions and files, for `show`).
    /// `ordered: false` for a subquery whose order the outer query sets.
    init(listing: AuditListing, filter: AuditFilter, node: String? = nil, ordered: Bool = true) throws(AuditError) {
        var conditions: [String] = []
        var parameters: [String?] = []
        func bind(_ value: String) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        let time = PostgresEventColumns.quoted(listing.timeColumn)
        if let since = filter.since { conditions.append("\(time) >= \(bind(since.iso8601))") }
        if let until = filter.until { conditions.append("\(time) < \(bind(until.iso8601))") }
        if let glob = filter.pathGlob {
            guard listing.filterableColumns.contains("path") else {
                throw .invalidFilter("\(listing.name) cannot be filtered by path")
            }
            conditions.append("path ~ \(bind(GlobExpression.regularExpression(glob)))")
        }
        for (column, value) in filter.exactMatches {
            guard listing.filterableColumns.contains(column) else {
                throw .invalidFilter("\(listing.name) cannot be filtered by \(column)")
            }
            conditions.append("\(PostgresEventColumns.quoted(column)) = \(bind(value))")
        }
        if let node { conditions.append("node = \(bind(node))") }
        let key = listing.columns.first { $0 != "node" } ?? listing.columns[0]
        var sql = "SELECT \(listing.withNode().columns.map(PostgresEventColumns.quoted).joined(separator: ", "))"
            + " FROM \(listing.source)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if ordered { sql += " ORDER BY \(time) DESC, node, \(key) DESC" }
        if let limit = filter.limit {
            guard limit >= 0 else { throw .invalidFilter("the limit must be 0 or more") }
            sql += " LIMIT \(limit)"
        }
        self.sql = sql
        self.parameters = parameters
    }
}

/// SQLite's GLOB (`*`, `?`, `[…]`, `[^…]`, case-sensitive, whole string) as a PostgreSQL
/// regular expression, so that `audit files --path` selects the same rows on both engines.
enum GlobExpression {
    static func regularExpression(_ glob: String) -> String {
        var expression = "^"
        var characters = Array(glob)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*": expression += ".*"
            case "?": expression += "."
            case "[":
                // A class up to its closing bracket (a `]` right after `[` or `[^` is a member).
                var members = ""
                var rest = characters
                if rest.first == "^" { members += "^"; rest.removeFirst() }
                if rest.first == "]" { members += "\\]"; rest.removeFirst() }
                var closed = false
                while let member = rest.popFirst() {
                    if member == "]" { closed = true; break }
                    members += member == "\\" ? "\\\\" : String(member)
                }
                if closed {
                    expression += "[" + members + "]"
                    characters = rest
                } else {
                    expression += "\\["
                }
            default:
                expression += character.isLetter || character.isNumber || character == " " || character == "/"
                    ? String(character) : "\\" + String(character)
            }
        }
        return expression + "$"
    }
}
