internal import GRDB

extension AuditStore {
    /// Streams the rows of `listing` matching `filter` to `body`, newest first, from one
    /// snapshot. Streaming, because an export may cover millions of rows; the read transaction
    /// does not block the writer (WAL).
    package func forEachRecord(
        in listing: AuditListing, matching filter: AuditFilter, _ body: (AuditRecord) throws -> Void
    ) throws(AuditError) {
        let (sql, arguments) = try listing.statement(for: filter)
        try read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                try body(AuditRecord(row: row, columns: listing.columns))
            }
        }
    }

    /// The rows of `listing` matching `filter`, newest first.
    package func records(in listing: AuditListing, matching filter: AuditFilter) throws(AuditError) -> [AuditRecord] {
        var records: [AuditRecord] = []
        try forEachRecord(in: listing, matching: filter) { records.append($0) }
        return records
    }

    /// Everything known about one connection, for `tracegate audit show`.
    package func connectionDetail(id: String) throws(AuditError) -> ConnectionDetail {
        let connection = try records(in: .connections, matching: AuditFilter(limit: 1).withConnection(id))
        guard let record = connection.first else { throw .connectionNotFound(id) }
        let sessions = try records(in: .sessions, matching: AuditFilter(connectionID: id)).reversed()
        let events = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(StoredEvent.selection) FROM events WHERE connection_id = ? ORDER BY id",
                arguments: [id]
            ).map(StoredEvent.init(row:))
        }
        let files = try records(in: .files, matching: AuditFilter(connectionID: id)).reversed()
        return ConnectionDetail(connection: record, sessions: Array(sessions), events: events, files: Array(files))
    }
}

extension AuditFilter {
    /// Connections are addressed by their own id column, which the filter names `connection_id`.
    fileprivate func withConnection(_ id: String) -> AuditFilter {
        var filter = self
        filter.connectionID = id
        return filter
    }
}

/// One connection with its sessions and events, oldest first.
package struct ConnectionDetail: Sendable, Hashable {
    package var connection: AuditRecord
    package var sessions: [AuditRecord]
    package var events: [StoredEvent]
    /// The file-transfer ledger's rows of this connection.
    package var files: [AuditRecord] = []

    package init(connection: AuditRecord, sessions: [AuditRecord], events: [StoredEvent], files: [AuditRecord] = []) {
        self.connection = connection
        self.sessions = sessions
        self.events = events
        self.files = files
    }
}
