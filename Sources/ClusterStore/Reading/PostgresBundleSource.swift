import Audit
import Foundation

/// `tracegate audit bundle` on a cluster: the selection's connections, sessions, file
/// transfers and events from every node's shipped rows, and each node's chain proof from its
/// first selected event to its head here. A node's rows are its SQLite rows unchanged, so its
/// part of events.jsonl is what the node's own export would hold, with the node on each line.
///
/// Blocking: it runs on the calling thread (a command's main thread), never on Swift's pool.
package final class PostgresBundleSource: BundleSource {
    let connection: PostgresConnection
    /// The exporting node: its chain holds the export's own event.
    let localNode: String
    /// Which nodes' recordings this node can copy.
    let reach: ClusterRecordingReach
    /// How long to wait for this node's shipper to bring the export's `audit.query` event here.
    let shippingWait: TimeInterval

    package init(connection: PostgresConnection, localNode: String, localStateDirectory: String,
                 sharedRecordings: String?, shippingWait: TimeInterval = 30) {
        self.connection = connection
        self.localNode = localNode
        self.reach = ClusterRecordingReach(localNode: localNode, localStateDirectory: localStateDirectory,
                                           sharedRecordings: sharedRecordings)
        self.shippingWait = shippingWait
    }

    package func bundleExtract(
        _ selection: BundleSelection, exportMarker: String?, progress: ((Int64, Int64) -> Void)?,
        emit: (_ node: String?, _ line: ChainProofLine) throws -> Void
    ) throws(AuditError) -> BundleExtract {
        let trail = PostgresTrailSource(connection: connection)
        return try trail.reading {
            // The export's event first, outside the snapshot: the snapshot taken after it holds it.
            let exportEventID = try exportMarker.map(waitForExportEvent)
            // One snapshot for every read, as on a node: rows, events and heads of one moment,
            // whatever the shippers commit meanwhile.
            return try connection.transaction {
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return try read(selection, exportEventID: exportEventID, progress: progress, emit: emit)
            }
        }
    }

    private func read(
        _ selection: BundleSelection, exportEventID: Int64?, progress: ((Int64, Int64) -> Void)?,
        emit: (_ node: String?, _ line: ChainProofLine) throws -> Void
    ) throws -> BundleExtract {
        let heads = try self.heads()
        guard let localHead = heads[localNode] else {
            throw AuditError.queryFailed(reason: "PostgreSQL holds no event of this node (\(localNode)) yet")
        }
        var selected = try matchingEvents(selection, heads: heads)
        if let exportEventID { selected[localNode, default: []].insert(exportEventID) }

        var events: [(node: String, event: StoredEvent)] = []
        var links: Int64 = 0
        let total = selected.reduce(Int64(0)) { sum, entry in
            sum + (heads[entry.key].map { head in head.id - (entry.value.min() ?? head.id) } ?? 0)
        }
        var done: Int64 = 0
        for node in selected.keys.sorted() {
            guard let ids = selected[node], let first = ids.min(), let head = heads[node] else { continue }
            try connection.forEachTypedRowInTransaction(
                "SELECT \(PostgresEventColumns.selection) FROM events WHERE node = $1 AND id >= $2 AND id <= $3 ORDER BY id",
                [node, String(first), String(head.id)]
            ) { _, row in
                let event = StoredEvent(texts: row)
                if ids.contains(event.id) {
                    events.append((node, event))
                    try emit(node, .event(event))
                } else {
                    try emit(node, .link(ChainLink(event: event)))
                    links += 1
                }
                done += 1
                if done % 50_000 == 0 { progress?(done, total) }
            }
        }
        // The page and the timeline read the events in time order, whichever node wrote them.
        events.sort { ($0.event.time, $0.node, $0.event.id) < ($1.event.time, $1.node, $1.event.id) }

        var extract = BundleExtract(
            head: localHead,
            connections: try rows(of: .connections, selection, heads: heads, order: "opened_at, node, connection_id"),
            sessions: try rows(of: .sessions, selection, heads: heads, order: "opened_at, node, session_id"),
            fileTransfers: try fileTransfers(selection, heads: heads),
            events: events.map(\.event), exportEventID: exportEventID, links: links)
        extract.eventNodes = events.map(\.node)
        extract.nodeHeads = heads
        extract.exportNode = localNode
        return extract
    }

    package func recordingFile(path: String, node: String?) -> String? {
        reach.file(path: path, node: node)
    }

    /// Polls for this node's `audit.query` event carrying `marker`: the command recorded it in
    /// the node's SQLite journal, and the node's running gateway ships it within seconds.
    private func waitForExportEvent(_ marker: String) throws -> Int64 {
        let deadline = Date().addingTimeInterval(shippingWait)
        while true {
            let found = try connection.execute("""
                SELECT id FROM events WHERE node = $1 AND kind = 'audit.query' AND strpos(details, $2) > 0
                ORDER BY id DESC LIMIT 1
                """, [localNode, marker]).scalar.flatMap { Int64($0) }
            if let found { return found }
            guard Date() < deadline else {
                throw AuditError.queryFailed(reason: "this export's audit.query event did not reach PostgreSQL within "
                    + "\(Int(shippingWait)) s: is this node's gateway running and shipping? (`tracegate cluster status`)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Each node's last shipped event. The nodes are found by stepping through the primary
    /// key's index from one node to the next (a plain DISTINCT would read every event), then
    /// each node's last row by the same index.
    private func heads() throws -> [String: ChainHead] {
        var heads: [String: ChainHead] = [:]
        for row in try connection.execute("""
            WITH RECURSIVE nodes AS (
                (SELECT node FROM events ORDER BY node LIMIT 1)
                UNION ALL
                SELECT (SELECT node FROM events WHERE node > nodes.node ORDER BY node LIMIT 1) FROM nodes WHERE nodes.node IS NOT NULL
            )
            SELECT nodes.node, last.id, last.hash FROM nodes
            CROSS JOIN LATERAL (SELECT id, hash FROM events WHERE events.node = nodes.node ORDER BY id DESC LIMIT 1) last
            WHERE nodes.node IS NOT NULL
            """).rows {
            guard let node = row[0], let id = row[1].flatMap({ Int64($0) }), let hash = row[2] else { continue }
            heads[node] = ChainHead(id: id, hash: hash)
        }
        return heads
    }

    /// The selection's event ids by node, up to each node's head: as on a node, the events of
    /// the matching connections, and those outside any connection that match themselves.
    private func matchingEvents(_ selection: BundleSelection, heads: [String: ChainHead]) throws -> [String: Set<Int64>] {
        var parameters: [String?] = []
        let connections = connectionCondition(selection, &parameters)
        let loose = selection.condition(time: "time", column: PostgresEventColumns.quoted) { value in
            parameters.append(value)
            return "$\(parameters.count)"
        }
        var selected: [String: Set<Int64>] = [:]
        for row in try connection.execute("""
            SELECT node, id FROM events WHERE (node, connection_id) IN (SELECT node, id FROM connections WHERE \(connections))
            UNION
            SELECT node, id FROM events WHERE connection_id IS NULL AND \(loose)
            """, parameters).rows {
            guard let node = row[0], let id = row[1].flatMap({ Int64($0) }), let head = heads[node], id <= head.id else { continue }
            selected[node, default: []].insert(id)
        }
        return selected
    }

    /// The listing's rows (with `node` first) of the selected connections known at each node's head.
    private func rows(of listing: AuditListing, _ selection: BundleSelection, heads: [String: ChainHead],
                      order: String) throws -> [AuditRecord] {
        var parameters: [String?] = []
        let condition = connectionCondition(selection, &parameters)
        let columns = listing.withNode().columns.map(PostgresEventColumns.quoted).joined(separator: ", ")
        let result = try connection.execute("""
            SELECT \(columns) FROM \(listing.source)
            WHERE (node, connection_id) IN (SELECT node, id FROM connections WHERE \(condition)) ORDER BY \(order)
            """, parameters)
        return result.rows.map { PostgresRecord.make(result, $0) }.filter { record in
            guard case .string(let node)? = record["node"], case .integer(let first)? = record["first_event_id"] else { return false }
            return first <= (heads[node]?.id ?? 0)
        }
    }

    /// The file ledger's rows of the selected connections, every column as the table has it.
    private func fileTransfers(_ selection: BundleSelection, heads: [String: ChainHead]) throws -> [AuditRecord] {
        var parameters: [String?] = []
        let condition = connectionCondition(selection, &parameters)
        let result = try connection.execute("""
            SELECT * FROM file_transfers WHERE (node, connection_id) IN (SELECT node, id FROM connections WHERE \(condition))
            ORDER BY node, event_id
            """, parameters)
        return result.rows.map { PostgresRecord.make(result, $0) }.filter { record in
            guard case .string(let node)? = record["node"], case .integer(let id)? = record["event_id"] else { return false }
            return id <= (heads[node]?.id ?? 0)
        }
    }

    /// The selection's condition on `connections`, its values appended to `parameters`.
    private func connectionCondition(_ selection: BundleSelection, _ parameters: inout [String?]) -> String {
        var bound = parameters
        let sql = selection.condition(time: "opened_at", column: PostgresEventColumns.quoted) { value in
            bound.append(value)
            return "$\(bound.count)"
        }
        parameters = bound
        return sql
    }
}
