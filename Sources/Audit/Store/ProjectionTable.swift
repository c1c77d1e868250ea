/// One of the node's query tables as the cluster shipper copies it to PostgreSQL
/// (migrations/postgresql/0006): its columns in the order shipped, and its key, unique within
/// a node. The columns are those of the SQLite table, which the node's writer projects from
/// the events; PostgreSQL receives the rows as they are, so the projection has one author.
package struct ProjectionTable: Sendable, Hashable {
    package let name: String
    /// The primary key within a node (PostgreSQL's key is `(node, key)`).
    package let key: String
    package let columns: [String]

    package static let connections = ProjectionTable(name: "connections", key: "id", columns: [
        "id", "opened_at", "closed_at", "duration_ms", "source_address", "source_port", "client_version", "user",
        "organization", "key_type", "key_fingerprint", "auth_attempts", "target", "target_owner", "target_labels",
        "login", "ticket", "grant_name", "result", "reason", "upstream_result", "upstream_host_key", "close_reason",
        "session_count", "bytes_in", "bytes_out", "first_event_id", "last_event_id", "second_factor",
        "certificate_serial",
    ])

    package static let sessions = ProjectionTable(name: "sessions", key: "id", columns: [
        "id", "connection_id", "opened_at", "closed_at", "duration_ms", "user", "organization", "target",
        "target_owner", "login", "ticket", "channel_type", "command", "subsystem", "env", "pty_term", "pty_cols",
        "pty_rows", "forward_host", "forward_port", "exit_status", "exit_signal", "result", "bytes_in", "bytes_out",
        "recording_path", "recording_size", "recording_sha256", "first_event_id", "last_event_id", "approval_id",
        "approved_by", "break_glass_review",
    ])

    package static let fileTransfers = ProjectionTable(name: "file_transfers", key: "event_id", columns: [
        "event_id", "time", "connection_id", "session_id", "user", "organization", "target", "target_owner", "login",
        "protocol", "operation", "direction", "path", "second_path", "resolved_path", "bytes", "ranges", "sha256",
        "integrity", "status", "note", "started_at", "ended_at",
    ])

    package static let reviews = ProjectionTable(name: "reviews", key: "id", columns: [
        "id", "connection_id", "opened_at", "user", "organization", "target", "target_owner", "login",
        "source_address", "reason", "rule_name", "result", "reviewed_at", "reviewed_by", "reviewed_by_org",
        "review_note", "first_event_id", "last_event_id",
    ])

    /// The search index's text. Its lines are written once and never change; they are not
    /// projected from events, so they ship on their own, by id.
    package static let sessionLines = ProjectionTable(name: "session_lines", key: "id", columns: [
        "id", "session_id", "connection_id", "source", "line",
    ])
}

/// Rows of one table as text (what libpq sends), nil for NULL.
package struct ProjectionRows: Sendable, Hashable {
    package var table: ProjectionTable
    package var rows: [[String?]]
}
