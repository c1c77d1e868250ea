import Audit

/// The listings, `show` and `replay`'s lookup on the cluster's PostgreSQL: the nodes' shipped
/// query tables (migration 0006), each row with its node.
extension PostgresTrailSource: AuditListingSource {
    package func printed(_ listing: AuditListing) -> AuditListing { listing.withNode() }

    package func forEachRecord(in listing: AuditListing, matching filter: AuditFilter,
                               _ body: (AuditRecord) throws -> Void) throws(AuditError) {
        let query = try PostgresListingQuery(listing: listing, filter: filter)
        try reading {
            try connection.forEachTypedRow(query.sql, query.parameters) { header, row in
                try body(PostgresRecord.make(header, row))
            }
        }
    }

    package func connectionDetail(id: String) throws(AuditError) -> ConnectionDetail {
        guard let connectionRow = try records(.connections, AuditFilter(connectionID: id, limit: 1)).first,
              case .string(let node)? = connectionRow["node"] else { throw .connectionNotFound(id) }
        // A connection's sessions, files and events are its node's: ids are random, but only
        // the node makes them one connection's for certain.
        let sessions = try records(.sessions, AuditFilter(connectionID: id), node: node)
        let files = try records(.files, AuditFilter(connectionID: id), node: node)
        let events = try reading {
            try connection.execute(
                "SELECT \(PostgresEventColumns.selection) FROM events WHERE node = $1 AND connection_id = $2 ORDER BY id",
                [node, id]
            ).rows.map { StoredEvent(texts: $0) }
        }
        return ConnectionDetail(connection: connectionRow, sessions: sessions.reversed(), events: events, files: files.reversed())
    }

    package func recordings(forID id: String) throws(AuditError) -> [RecordingLocation] {
        try reading {
            try connection.execute("""
                SELECT node, id, recording_path FROM sessions
                WHERE (id = $1 OR connection_id = $1) AND recording_path IS NOT NULL
                ORDER BY node, first_event_id
                """, [id]
            ).rows.compactMap { row in
                guard let node = row[0], let session = row[1], let path = row[2] else { return nil }
                return RecordingLocation(node: node, sessionID: session, path: path)
            }
        }
    }

    /// Every row at once: for the few rows of one connection.
    private func records(_ listing: AuditListing, _ filter: AuditFilter, node: String? = nil) throws(AuditError) -> [AuditRecord] {
        let query = try PostgresListingQuery(listing: listing, filter: filter, node: node)
        return try reading {
            let result = try connection.execute(query.sql, query.parameters)
            return result.rows.map { PostgresRecord.make(result, $0) }
        }
    }
}
