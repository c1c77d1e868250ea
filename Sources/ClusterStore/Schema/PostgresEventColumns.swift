import Audit

/// The `events` columns of migrations/postgresql as SQL: the node's SQLite columns in the
/// same order (`StoredEvent.selection`), with `user` quoted, since PostgreSQL reserves it.
enum PostgresEventColumns {
    static func quoted(_ column: String) -> String {
        column == "user" ? "\"user\"" : column
    }

    /// `hashedColumns` then `hash`, as `StoredEvent(texts:)` reads them.
    static let selection = (StoredEvent.hashedColumns + ["hash"]).map(quoted).joined(separator: ", ")

    /// `node` and the selection, as the shipper inserts them.
    static let insertion = "node, " + selection

    static var count: Int { StoredEvent.hashedColumns.count + 1 }
}
