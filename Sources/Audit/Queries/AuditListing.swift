internal import GRDB

/// The three listings of `tracegate audit connections|sessions|events`: which view or table
/// each reads, its columns, the ones a terminal table shows, and how filters map to columns.
package struct AuditListing: Sendable {
    package let name: String
    package let source: String
    package let timeColumn: String
    let order: String
    /// Every column, in the order JSON and CSV print them.
    package let columns: [String]
    /// The narrower set an aligned terminal table shows.
    package let tableColumns: [String]
    /// Columns holding stored times, shown to the second in tables.
    package let timeColumns: Set<String>
    /// The `AuditFilter` conditions this listing understands.
    package let filterableColumns: Set<String>
    /// Filters answered through `connections`: they select the rows of the connections whose
    /// row matches, through the connections' indexes, plus (`hasRowsOutsideConnections`) rows
    /// outside any connection whose own columns match. Events: who and what (user,
    /// organization, target, login, ticket), which early events of a connection do not carry
    /// yet. Sessions: user, target, login and ticket, which `sessions` copies but no longer
    /// indexes: a second index on each cost the single writer a page write per index for every
    /// batch (migration 0008). Organization is filtered on the session's own column: it selects
    /// too little for an index, and through `connections` it would list half of them.
    package let matchedThroughConnections: Set<String>
    /// Rows with no connection (only events have them); for the others the clause that matches
    /// them would make SQLite scan by time instead of looking the connections' rows up.
    let hasRowsOutsideConnections: Bool

    package static let connections = AuditListing(
        name: "connections",
        source: "connection_summary",
        timeColumn: "opened_at",
        order: "opened_at DESC",
        columns: [
            "connection_id", "opened_at", "closed_at", "status", "duration_ms", "user", "organization",
            "source_address", "source_port", "client_version", "key_type", "key_fingerprint", "auth_attempts",
            "target", "target_owner", "target_labels", "login", "ticket", "grant_name", "result", "reason",
            "upstream_result", "upstream_host_key", "close_reason", "session_count", "bytes_in", "bytes_out",
            "first_event_id", "last_event_id",
        ],
        tableColumns: [
            "connection_id", "opened_at", "user", "organization", "source_address", "target", "login", "ticket",
            "result", "reason", "close_reason", "duration_ms", "session_count",
        ],
        timeColumns: ["opened_at", "closed_at"],
        filterableColumns: ["user", "organization", "target", "login", "ticket", "result", "connection_id"],
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )

    package static let sessions = AuditListing(
        name: "sessions",
        source: "session_summary",
        timeColumn: "opened_at",
        order: "opened_at DESC",
        columns: [
            "session_id", "connection_id", "opened_at", "closed_at", "status", "duration_ms", "user", "organization",
            "target", "target_owner", "login", "ticket", "channel_type", "command", "subsystem", "env", "pty_term",
            "pty_cols", "pty_rows", "forward_host", "forward_port", "exit_status", "exit_signal", "result",
            "bytes_in", "bytes_out", "recording_path", "recording_size", "recording_sha256", "first_event_id",
            "last_event_id", "approval_id", "approved_by", "break_glass_review",
        ],
        tableColumns: [
            "session_id", "connection_id", "opened_at", "user", "target", "login", "ticket", "channel_type",
            "command", "subsystem", "exit_status", "result", "duration_ms", "bytes_in", "bytes_out",
        ],
        timeColumns: ["opened_at", "closed_at"],
        filterableColumns: ["user", "organization", "target", "login", "ticket", "result", "connection_id", "approved_by"],
        matchedThroughConnections: ["user", "target", "login", "ticket"],
        hasRowsOutsideConnections: false
    )

    /// Break-glass review items (`tracegate audit reviews [--open]`).
    package static let reviews = AuditListing(
        name: "reviews",
        source: "review_summary",
        timeColumn: "opened_at",
        order: "opened_at DESC",
        columns: [
            "review_id", "connection_id", "opened_at", "user", "organization", "target", "target_owner", "login",
            "source_address", "reason", "rule_name", "result", "reviewed_at", "reviewed_by", "reviewed_by_org",
            "review_note", "first_event_id", "last_event_id",
        ],
        tableColumns: [
            "review_id", "opened_at", "user", "organization", "target", "login", "reason", "result", "reviewed_by",
            "review_note", "connection_id",
        ],
        timeColumns: ["opened_at", "reviewed_at"],
        filterableColumns: ["user", "organization", "target", "login", "result", "connection_id"],
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )

    /// Approval requests and their decisions (issue 14; migration 0010's `approval_summary`).
    package static let approvals = AuditListing(
        name: "approvals",
        source: "approval_summary",
        timeColumn: "requested_at",
        order: "requested_at DESC",
        columns: [
            "approval_id", "connection_id", "requested_at", "user", "organization", "target", "target_owner", "login",
            "ticket", "source_address", "command", "approvers", "grant_name", "wait_until", "status", "decided_at",
            "decided_by", "decided_by_org", "decision_note", "valid_until", "first_event_id", "last_event_id",
        ],
        tableColumns: [
            "approval_id", "requested_at", "user", "organization", "target", "login", "ticket", "command", "status",
            "decided_by", "decision_note",
        ],
        timeColumns: ["requested_at", "decided_at", "wait_until", "valid_until"],
        filterableColumns: ["user", "organization", "target", "login", "ticket", "connection_id"],
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )

    package static let events = AuditListing(
        name: "events",
        source: "events",
        timeColumn: "time",
        order: "id DESC",
        columns: StoredEvent.hashedColumns + ["hash"],
        tableColumns: ["id", "time", "kind", "connection_id", "session_id", "user", "target", "login", "result", "reason"],
        timeColumns: ["time"],
        filterableColumns: ["user", "organization", "target", "login", "ticket", "result", "kind", "connection_id"],
        matchedThroughConnections: ["user", "organization", "target", "login", "ticket"],
        hasRowsOutsideConnections: true
    )

    /// Events of several nodes (a cluster's PostgreSQL): each row says which node's chain
    /// it belongs to, since ids repeat across nodes.
    package static let nodeEvents = AuditListing(
        name: "events",
        source: "events",
        timeColumn: "time",
        order: "time DESC, node, id DESC",
        columns: ["node"] + StoredEvent.hashedColumns + ["hash"],
        tableColumns: ["node", "id", "time", "kind", "connection_id", "session_id", "user", "target", "login", "result", "reason"],
        timeColumns: ["time"],
        filterableColumns: events.filterableColumns,
        matchedThroughConnections: events.matchedThroughConnections,
        hasRowsOutsideConnections: true
    )

    /// `tracegate audit files`: the file-transfer ledger (migration 0011).
    package static let files = AuditListing(
        name: "files",
        source: "file_transfers",
        timeColumn: "time",
        order: "event_id DESC",
        columns: [
            "event_id", "time", "connection_id", "session_id", "user", "organization", "target", "target_owner", "login",
            "protocol", "operation", "direction", "path", "second_path", "resolved_path", "bytes", "ranges", "sha256",
            "integrity", "status", "note", "started_at", "ended_at",
        ],
        tableColumns: [
            "time", "user", "target", "protocol", "operation", "path", "second_path", "bytes", "sha256", "integrity",
            "status",
        ],
        timeColumns: ["time"],
        filterableColumns: ["user", "organization", "target", "login", "connection_id", "direction", "sha256", "path"],
        matchedThroughConnections: [],
        hasRowsOutsideConnections: false
    )

    /// The same listing with several nodes' rows (a cluster's PostgreSQL): `node` first in
    /// every output, since a row belongs to one node's trail (as `nodeEvents` for events).
    package func withNode() -> AuditListing {
        guard columns.first != "node" else { return self }
        return AuditListing(
            name: name, source: source, timeColumn: timeColumn, order: order, columns: ["node"] + columns,
            tableColumns: ["node"] + tableColumns, timeColumns: timeColumns, filterableColumns: filterableColumns,
            matchedThroughConnections: matchedThroughConnections, hasRowsOutsideConnections: hasRowsOutsideConnections)
    }

    /// The statement for `filter`: each condition on its own indexed column, newest first.
    /// Conditions this listing does not have are refused rather than silently ignored.
    func statement(for filter: AuditFilter, scope: AuditScope = .everything, after cursor: AuditCursor? = nil)
        throws(AuditError) -> (sql: String, arguments: StatementArguments)
    {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since = filter.since {
            conditions.append("\(timeColumn) >= ?")
            arguments.append(since.iso8601)
        }
        if let until = filter.until {
            conditions.append("\(timeColumn) < ?")
            arguments.append(until.iso8601)
        }
        if let glob = filter.pathGlob {
            guard filterableColumns.contains("path") else { throw .invalidFilter("\(name) cannot be filtered by path") }
            conditions.append("path GLOB ?")
            arguments.append(glob)
        }
        var identity: [(column: String, value: String)] = []
        for (column, value) in filter.exactMatches {
            guard filterableColumns.contains(column) else {
                throw .invalidFilter("\(name) cannot be filtered by \(column)")
            }
            if matchedThroughConnections.contains(column) {
                identity.append((column, value))
                continue
            }
            conditions.append("\(column) = ?")
            arguments.append(value)
        }
        if !identity.isEmpty {
            let matches = identity.map { "\($0.column) = ?" }.joined(separator: " AND ")
            let ofConnections = "connection_id IN (SELECT id FROM connections WHERE \(matches))"
            if hasRowsOutsideConnections {
                conditions.append("(\(ofConnections) OR (connection_id IS NULL AND \(matches)))")
                for match in identity + identity { arguments.append(match.value) }
            } else {
                conditions.append(ofConnections)
                for match in identity { arguments.append(match.value) }
            }
        }
        // The viewer's part of the trail and the page's start: part of the query, so that what
        // a viewer may not see is never read, counted or paged over.
        if let visibility = scope.condition {
            conditions.append(visibility.sql)
            arguments.append(contentsOf: visibility.arguments)
        }
        let keyColumn = columns[0]
        if let cursor {
            // `time <= T` first: a range SQLite enters the time index with (an OR of the two
            // cases alone made it scan from the newest row, 20x slower deep in the trail).
            conditions.append("\(timeColumn) <= ? AND (\(timeColumn) < ? OR \(keyColumn) < ?)")
            arguments.append(contentsOf: [cursor.time, cursor.time, cursor.key] as [(any DatabaseValueConvertible)?])
        }
        var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(source)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += cursor == nil && scope == .everything ? " ORDER BY \(order)" : " ORDER BY \(timeColumn) DESC, \(keyColumn) DESC"
        if let limit = filter.limit {
            guard limit >= 0 else { throw .invalidFilter("the limit must be 0 or more") }
            sql += " LIMIT \(limit)"
        }
        return (sql, StatementArguments(arguments))
    }
}
