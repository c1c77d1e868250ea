import Audit

/// The cluster's trail in PostgreSQL, as `audit verify` and `audit events` read it: every
/// node's chain, each verified exactly as the node's own SQLite trail is (`ChainWalk`).
///
/// Blocking: it runs on the calling thread (a command's main thread), never on Swift's pool.
package final class PostgresTrailSource: AuditTrailSource {
    let connection: PostgresConnection

    package init(connection: PostgresConnection) {
        self.connection = connection
    }

    package var eventListing: AuditListing { .nodeEvents }

    package func forEachEvent(matching filter: AuditFilter, _ body: (AuditRecord) throws -> Void) throws(AuditError) {
        let query = try PostgresEventQuery(filter: filter)
        try reading {
            try connection.forEachRow(query.sql, query.parameters) { _, row in
                let event = StoredEvent(texts: Array(row.dropFirst()))
                let record = event.record
                try body(AuditRecord(columns: ["node"] + record.columns, values: [AuditValue(row.first ?? nil)] + record.values))
            }
        }
    }

    package func verifyChains(expectedHashes: Set<String>, progress: ((Int64, Int64) -> Void)?) throws(AuditError) -> TrailVerification {
        try reading {
            let nodes = try connection.execute("SELECT DISTINCT node FROM events ORDER BY node").rows.compactMap { $0.first ?? nil }
            var unseen = expectedHashes
            var chains: [TrailVerification.Chain] = []
            for node in nodes {
                let verdict = try verify(node: node, unseen: &unseen, progress: progress)
                chains.append(.init(node: node, verdict: verdict))
            }
            return TrailVerification(chains: chains, missingExpectedHashes: unseen.sorted())
        }
    }

    /// One node's chain from its first event. A node's rows arrive here in chain order
    /// (the shipper sends each id after the one before), so a gap is a deletion, not a lag.
    private func verify(node: String, unseen: inout Set<String>, progress: ((Int64, Int64) -> Void)?) throws -> ChainVerification {
        let total = Int64(try connection.execute("SELECT MAX(id) FROM events WHERE node = $1", [node]).scalar ?? "0") ?? 0
        var walk = ChainWalk()
        var verdict: ChainVerification?
        try connection.forEachRow(
            "SELECT \(PostgresEventColumns.selection) FROM events WHERE node = $1 ORDER BY id", [node]
        ) { _, row in
            guard verdict == nil else { return }
            let event = StoredEvent(texts: row)
            if let broken = walk.step(event.canonicalFields, storedHash: event.hash) {
                verdict = broken
                return
            }
            unseen.remove(walk.previous.hash)
            if walk.previous.id % 50_000 == 0 { progress?(walk.previous.id, total) }
        }
        return verdict ?? .intact(count: walk.previous.id, head: walk.previous.id == 0 ? nil : walk.previous.hash)
    }

    /// PostgreSQL failures in the words of the audit store, which the commands report.
    func reading<T>(_ body: () throws -> T) throws(AuditError) -> T {
        do {
            return try body()
        } catch let error as AuditError {
            throw error
        } catch PostgresError.statementFailed(sqlState: "42P01", _) {
            // An undefined table: a database migrated by an older tracegate (no listings yet).
            throw .queryFailed(reason: "the PostgreSQL schema lacks this listing; run `tracegate cluster migrate` with this version")
        } catch {
            throw .queryFailed(reason: "\(error)")
        }
    }
}
