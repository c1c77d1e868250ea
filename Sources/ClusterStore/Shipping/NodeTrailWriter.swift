import Audit

/// The shipper's statements against PostgreSQL for one node: where the node's chain ends
/// there, appending a batch, and the node's heartbeat row.
struct NodeTrailWriter {
    let node: String
    let connection: PostgresConnection

    /// The highest id of this node in PostgreSQL (0: none yet), refusing a database that was
    /// never migrated.
    func shippedID() throws -> Int64 {
        guard try PostgresMigrator.version(of: connection) >= 1 else { throw ShippingError.notMigrated }
        return Int64(try connection.execute("SELECT COALESCE(MAX(id), 0) FROM events WHERE node = $1", [node]).scalar ?? "0") ?? 0
    }

    /// The hash PostgreSQL holds for this node's event `id`, if any.
    func hash(of id: Int64) throws -> String? {
        try connection.execute("SELECT hash FROM events WHERE node = $1 AND id = $2", [node, String(id)]).scalar
    }

    /// Appends `events` (consecutive, oldest first) in one statement, hence one transaction:
    /// all of the batch or none. `ON CONFLICT DO NOTHING` makes a batch sent twice (the node
    /// died between the commit and learning of it) harmless; a conflicting row with another
    /// hash is not harmless, and stops the shipping.
    func append(_ events: [StoredEvent]) throws {
        guard let first = events.first, let last = events.last else { return }
        var parameters: [String?] = []
        parameters.reserveCapacity(events.count * PostgresEventColumns.count + 1)
        var rows: [String] = []
        for event in events {
            let start = parameters.count
            parameters.append(node)
            parameters.append(contentsOf: event.texts)
            rows.append("(" + (start + 1...parameters.count).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        let inserted = try connection.execute(
            "INSERT INTO events (\(PostgresEventColumns.insertion)) VALUES \(rows.joined(separator: ", "))"
                + " ON CONFLICT (node, id) DO NOTHING", parameters
        ).affected
        guard inserted < events.count else { return }
        let stored = try connection.execute(
            "SELECT id, hash FROM events WHERE node = $1 AND id BETWEEN $2 AND $3",
            [node, String(first.id), String(last.id)]
        ).rows
        let hashes = Dictionary(stored.compactMap { row -> (Int64, String)? in
            guard let id = row[0].flatMap({ Int64($0) }), let hash = row[1] else { return nil }
            return (id, hash)
        }, uniquingKeysWith: { first, _ in first })
        if let different = events.first(where: { hashes[$0.id] != $0.hash }) {
            throw ShippingError.diverged(node: node, eventID: different.id)
        }
    }

    /// Whether PostgreSQL has the listings' tables (migration 0006): a node upgraded before
    /// `cluster migrate` ran keeps shipping its events alone.
    func hasListings() throws -> Bool {
        try PostgresMigrator.version(of: connection) >= Self.listingsSchemaVersion
    }

    /// The migration that adds the listings' tables (0006_create_cluster_listings.sql).
    static let listingsSchemaVersion = 6

    /// The id of the last event whose batch carried this node's query-table rows (0: none).
    func listingsShippedID() throws -> Int64 {
        Int64(try connection.execute("SELECT shipped_id FROM listings_shipped WHERE node = $1", [node]).scalar ?? "0") ?? 0
    }

    /// The highest id of this node's search-index lines in PostgreSQL (0: none yet).
    func linesShippedID() throws -> Int64 {
        Int64(try connection.execute("SELECT COALESCE(MAX(id), 0) FROM session_lines WHERE node = $1", [node]).scalar ?? "0") ?? 0
    }

    /// Appends `events` and writes the query-table rows they touched, in one transaction: a
    /// listing in PostgreSQL never shows a row whose events are not there to verify it.
    func append(_ events: [StoredEvent], projections: [ProjectionRows]) throws {
        guard let last = events.last else { return }
        try connection.transaction {
            try append(events)
            try upsert(projections)
            try connection.execute("""
                INSERT INTO listings_shipped (node, shipped_id) VALUES ($1, $2)
                ON CONFLICT (node) DO UPDATE SET shipped_id = GREATEST(listings_shipped.shipped_id, excluded.shipped_id)
                """, [node, String(last.id)])
        }
    }

    /// Writes rows of the query tables or the search index (idempotent: `ProjectionUpsert`).
    func upsert(_ projections: [ProjectionRows]) throws {
        for rows in projections {
            for statement in ProjectionUpsert.statements(node: node, rows: rows) {
                try connection.execute(statement.sql, statement.parameters)
            }
        }
    }

    /// The node's row in `nodes`: last seen (the server's clock), configuration, sessions, lag.
    func heartbeat(_ facts: NodeFacts, status: ShippingStatus) throws {
        try connection.execute("""
            INSERT INTO nodes (node, last_seen, configuration_sha256, sessions_open, shipped_id, lag_events, lag_seconds, version)
            VALUES ($1, now(), $2, $3, $4, $5, $6, $7)
            ON CONFLICT (node) DO UPDATE SET
                last_seen = excluded.last_seen, configuration_sha256 = excluded.configuration_sha256,
                sessions_open = excluded.sessions_open, shipped_id = excluded.shipped_id,
                lag_events = excluded.lag_events, lag_seconds = excluded.lag_seconds, version = excluded.version
            """, [
                node, facts.configurationSHA256, String(facts.sessionsOpen), String(status.shippedID),
                String(status.lagEvents), String(status.lagSeconds), facts.version,
            ])
    }
}
