internal import GRDB

/// What the cluster shipper reads from the node's own trail: the events it has not shipped
/// yet, in chain order, and the newest event (how far behind PostgreSQL is).
extension AuditStore {
    /// Up to `limit` events with an id above `id`, oldest first, as stored (hashes included).
    package func events(after id: Int64, limit: Int) throws(AuditError) -> [StoredEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(StoredEvent.selection) FROM events WHERE id > ? ORDER BY id LIMIT ?",
                             arguments: [id, limit]).map(StoredEvent.init(row:))
        }
    }

    /// The id of the newest event (0 for an empty trail), and the time of the oldest event
    /// after `id` (nil when there is none): the shipper's lag in events and in age.
    package func lag(after id: Int64) throws(AuditError) -> (newestID: Int64, oldestUnshippedTime: AuditTimestamp?) {
        try read { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0
            let time = try String.fetchOne(db, sql: "SELECT time FROM events WHERE id > ? ORDER BY id LIMIT 1", arguments: [id])
            return (newest, time.flatMap(AuditTimestamp.init(iso8601:)))
        }
    }
}
