internal import GRDB

/// What a bundle holds from the trail, read in one snapshot.
package struct BundleExtract: Sendable {
    package var head: ChainHead
    /// `connection_summary` rows, oldest first.
    package var connections: [AuditRecord]
    /// `session_summary` rows, oldest first.
    package var sessions: [AuditRecord]
    /// The file ledger's rows of the selected connections, when the trail has a `file_transfers`
    /// table (its columns as they are, whatever they are).
    package var fileTransfers: [AuditRecord]?
    /// The selected events, oldest first (their proof lines went to the caller).
    package var events: [StoredEvent]
    /// The `audit.query` event that recorded this export, if found.
    package var exportEventID: Int64?
    package var links: Int64
    /// The node of each of `events`, in the same order; empty on a node's own trail.
    package var eventNodes: [String] = []
    /// On a cluster: each node's head when the bundle was read (its events.jsonl part ends
    /// there), `head` being the exporting node's. Nil on a node's own trail.
    package var nodeHeads: [String: ChainHead]?
    /// On a cluster: the node whose chain holds the export's `audit.query` event.
    package var exportNode: String?

    package init(head: ChainHead, connections: [AuditRecord], sessions: [AuditRecord], fileTransfers: [AuditRecord]?,
                 events: [StoredEvent], exportEventID: Int64?, links: Int64) {
        self.head = head
        self.connections = connections
        self.sessions = sessions
        self.fileTransfers = fileTransfers
        self.events = events
        self.exportEventID = exportEventID
        self.links = links
    }

    /// The node of `events[index]`, nil on a node's own trail.
    package func node(ofEvent index: Int) -> String? {
        index < eventNodes.count ? eventNodes[index] : nil
    }
}

/// What the selection matches in a trail, for `verify --against`.
package struct BundleMatch: Sendable {
    package var eventIDs: [Int64]
    package var connectionIDs: [String]
    package var sessionIDs: [String]
    /// The hashes of the matched events, by id.
    package var hashes: [Int64: String]
    /// The trail's hash of the event at the bundle's head id (nil: no such event).
    package var hashAtHead: String?
}

extension AuditStore {
    /// Reads the selection's rows and events and streams `events.jsonl`'s lines, from the first
    /// selected event to the head, to `emit`. `exportMarker` is a text only the export's own
    /// `audit.query` event carries: that event is added to the selection, so the bundle proves
    /// who exported it and when.
    package func bundleExtract(
        _ selection: BundleSelection, exportMarker: String?, progress: ((Int64, Int64) -> Void)? = nil,
        emit: (ChainProofLine) throws -> Void
    ) throws(AuditError) -> BundleExtract {
        try read { db in
            let head = try EventAppender.currentHead(in: db)
            var ids = try Self.matchingEventIDs(selection, through: head.id, in: db)
            var exportEventID: Int64?
            if let exportMarker {
                exportEventID = try Int64.fetchOne(db, sql: """
                    SELECT id FROM events WHERE id <= ? AND kind = 'audit.query' AND instr(details, ?) > 0
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [head.id, exportMarker])
                if let exportEventID, !ids.contains(exportEventID) { ids.append(exportEventID) }
            }
            ids.sort()
            let selected = Set(ids)
            var events: [StoredEvent] = []
            var links: Int64 = 0
            if let first = ids.first {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT \(StoredEvent.selection) FROM events WHERE id >= ? AND id <= ? ORDER BY id",
                    arguments: [first, head.id])
                while let row = try rows.next() {
                    let id = (row[0] as DatabaseValue).storage.int64 ?? 0
                    if selected.contains(id) {
                        let event = StoredEvent(row: row)
                        events.append(event)
                        try emit(.event(event))
                    } else {
                        let fields = StoredEvent.hashedColumns.indices.map { CanonicalField(row[$0] as DatabaseValue) }
                        try emit(.link(ChainLink(id: id, fields: fields)))
                        links += 1
                    }
                    if id % 50_000 == 0 { progress?(id - first, head.id - first) }
                }
            }
            let (connectionSQL, arguments) = selection.connectionCondition
            let connections = try Row.fetchAll(db, sql: """
                SELECT \(AuditListing.connections.columns.joined(separator: ", ")) FROM connection_summary
                WHERE connection_id IN (SELECT id FROM connections WHERE \(connectionSQL)) AND first_event_id <= ?
                ORDER BY opened_at, connection_id
                """, arguments: StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? } + [head.id])
            ).map { AuditRecord(row: $0, columns: AuditListing.connections.columns) }
            let sessions = try Row.fetchAll(db, sql: """
                SELECT \(AuditListing.sessions.columns.joined(separator: ", ")) FROM session_summary
                WHERE connection_id IN (SELECT id FROM connections WHERE \(connectionSQL)) AND first_event_id <= ?
                ORDER BY opened_at, session_id
                """, arguments: StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? } + [head.id])
            ).map { AuditRecord(row: $0, columns: AuditListing.sessions.columns) }
            let files = try Self.fileTransfers(selection, in: db)
            return BundleExtract(head: head, connections: connections, sessions: sessions, fileTransfers: files,
                                 events: events, exportEventID: exportEventID, links: links)
        }
    }

    /// The selection re-run on this trail, up to event `headID`.
    package func bundleMatch(_ selection: BundleSelection, through headID: Int64) throws(AuditError) -> BundleMatch {
        try read { db in
            let ids = try Self.matchingEventIDs(selection, through: headID, in: db)
            var hashes: [Int64: String] = [:]
            for id in ids {
                hashes[id] = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE id = ?", arguments: [id])
            }
            let (connectionSQL, arguments) = selection.connectionCondition
            let connectionIDs = try String.fetchAll(db, sql: """
                SELECT id FROM connections WHERE \(connectionSQL) AND first_event_id <= ? ORDER BY opened_at, id
                """, arguments: StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? } + [headID]))
            let sessionIDs = try String.fetchAll(db, sql: """
                SELECT id FROM sessions WHERE connection_id IN (SELECT id FROM connections WHERE \(connectionSQL))
                AND first_event_id <= ? ORDER BY opened_at, id
                """, arguments: StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? } + [headID]))
            let atHead = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE id = ?", arguments: [headID])
            return BundleMatch(eventIDs: ids, connectionIDs: connectionIDs, sessionIDs: sessionIDs, hashes: hashes,
                               hashAtHead: atHead)
        }
    }

    private static func matchingEventIDs(_ selection: BundleSelection, through headID: Int64, in db: Database) throws -> [Int64] {
        let (connectionSQL, connectionArguments) = selection.connectionCondition
        let (looseSQL, looseArguments) = selection.looseEventCondition
        // Two index lookups joined, rather than one OR that SQLite would answer with a scan.
        return try Int64.fetchAll(db, sql: """
            SELECT id FROM events WHERE connection_id IN (SELECT id FROM connections WHERE \(connectionSQL)) AND id <= ?
            UNION
            SELECT id FROM events WHERE connection_id IS NULL AND \(looseSQL) AND id <= ?
            ORDER BY 1
            """, arguments: StatementArguments(connectionArguments.map { $0 as (any DatabaseValueConvertible)? } + [headID]
                + looseArguments.map { $0 as (any DatabaseValueConvertible)? } + [headID]))
    }

    /// `file_transfers` rows of the selected connections, if that table exists (the file
    /// ledger, added separately): every column, by name, so the bundle follows its schema.
    private static func fileTransfers(_ selection: BundleSelection, in db: Database) throws -> [AuditRecord]? {
        guard try db.tableExists("file_transfers") else { return nil }
        let columns = try db.columns(in: "file_transfers").map(\.name)
        let (connectionSQL, arguments) = selection.connectionCondition
        let key: String
        if columns.contains("connection_id") {
            key = "connection_id IN (SELECT id FROM connections WHERE \(connectionSQL))"
        } else if columns.contains("session_id") {
            key = "session_id IN (SELECT id FROM sessions WHERE connection_id IN (SELECT id FROM connections WHERE \(connectionSQL)))"
        } else {
            return []
        }
        let quoted = columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let order = columns.contains("id") ? " ORDER BY \"id\"" : " ORDER BY rowid"
        return try Row.fetchAll(db, sql: "SELECT \(quoted.joined(separator: ", ")) FROM file_transfers WHERE \(key)\(order)",
                                arguments: StatementArguments(arguments)
        ).map { AuditRecord(row: $0, columns: columns) }
    }
}
