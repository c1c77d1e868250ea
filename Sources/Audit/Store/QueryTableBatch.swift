internal import GRDB

/// Keeps `connections` and `sessions` in step with the events of one batch, inside the batch's
/// transaction, so the query tables never disagree with a committed chain.
///
/// Each row a batch touches is read once, changed in memory by every event of the batch
/// (`ConnectionState.apply`), and written once before the commit: a connection whose seven
/// events arrive together costs one INSERT, not seven UPDATEs that each rewrite its index
/// entries. Every event is accepted: one for a connection whose `connection.open` is missing
/// creates the row, a `session.close` for an unknown session changes nothing. A failure here
/// would block the whole trail (the batch is retried), so nothing may depend on a perfect
/// sequence of events.
struct QueryTableBatch {
    private var connections: [String: ConnectionState] = [:]
    private var loadedConnections: [String: ConnectionState] = [:]
    private var connectionOrder: [String] = []
    private var sessions: [String: SessionState] = [:]
    private var loadedSessions: [String: SessionState] = [:]
    private var sessionOrder: [String] = []
    /// Ids looked up and not found, so a second event for them does not query again.
    private var missingSessions: Set<String> = []
    /// Connections first seen in this batch by their `connection.open`, taken to be new without
    /// a lookup (ids are random, so they are); their events are kept in case the id did exist.
    private var assumedNew: [String: [(event: AuditEvent, stored: StoredEvent)]] = [:]

    private static let selectConnection =
        "SELECT \(ConnectionState.columns.joined(separator: ", ")) FROM connections WHERE id = ?"
    private static let selectSession =
        "SELECT \(SessionState.columns.joined(separator: ", ")) FROM sessions WHERE id = ?"
    private static let insertConnection = insertion(into: "connections", columns: ConnectionState.columns)
    private static let insertSession = insertion(into: "sessions", columns: SessionState.columns)

    private static func insertion(into table: String, columns: [String]) -> String {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) ON CONFLICT (id) DO NOTHING"
    }

    mutating func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        // Deliberately exhaustive, no `default:`: a new kind must decide what it updates.
        switch event.kind {
        case .gatewayStart, .gatewayStop, .configLoad, .configReload, .configReject, .auditQuery, .recordingStop,
            .penaltyStart, .auditPrune:
            return
        case .connectionOpen, .authAttempt, .accessDecision, .upstreamConnect, .channelOpen, .sessionClose,
            .connectionClose, .requestRefused:
            break
        }
        guard let connectionID = event.connectionID else { return }
        var connection = try connectionState(connectionID, firstSeen: stored, opening: event.kind == .connectionOpen, in: db)
        connection.apply(event, stored: stored)
        assumedNew[connectionID]?.append((event, stored))
        if let sessionID = event.sessionID {
            if event.kind == .channelOpen, try session(sessionID, in: db) == nil {
                missingSessions.remove(sessionID)
                sessions[sessionID] = SessionState(id: sessionID, opening: event, on: connection, stored: stored)
                sessionOrder.append(sessionID)
                connection.sessionCount += 1
            } else if event.kind == .sessionClose, var closing = try session(sessionID, in: db),
                closing.close(with: event, stored: stored)
            {
                sessions[sessionID] = closing
                connection.bytesIn += closing.bytesIn ?? 0
                connection.bytesOut += closing.bytesOut ?? 0
            }
        }
        connections[connectionID] = connection
    }

    /// Writes every touched row: connections first, since sessions refer to them.
    func flush(in db: Database) throws {
        for id in connectionOrder {
            guard let state = connections[id] else { continue }
            let inserted = try write(
                state.values, original: loadedConnections[id]?.values, columns: ConnectionState.columns,
                insertion: Self.insertConnection, table: "connections", in: db)
            if !inserted, let events = assumedNew[id] {
                try reapply(events, toExisting: id, in: db)
            }
        }
        for id in sessionOrder {
            guard let state = sessions[id] else { continue }
            try write(state.values, original: loadedSessions[id]?.values, columns: SessionState.columns,
                      insertion: Self.insertSession, table: "sessions", in: db)
        }
    }

    /// A `connection.open` for an id that was already in the table: apply the batch's events for
    /// it to the stored row after all.
    private func reapply(_ events: [(event: AuditEvent, stored: StoredEvent)], toExisting id: String, in db: Database) throws {
        guard let row = try RawStatement.fetchFirstRow(db.cachedStatement(sql: Self.selectConnection), [id.databaseValue], in: db)
        else { return }
        let original = ConnectionState(values: row)
        var state = original
        for (event, stored) in events { state.apply(event, stored: stored) }
        state.sessionCount = original.sessionCount + (connections[id]?.sessionCount ?? 0)
        state.bytesIn = original.bytesIn + (connections[id]?.bytesIn ?? 0)
        state.bytesOut = original.bytesOut + (connections[id]?.bytesOut ?? 0)
        try write(state.values, original: original.values, columns: ConnectionState.columns,
                  insertion: Self.insertConnection, table: "connections", in: db)
    }

    private mutating func connectionState(
        _ id: String, firstSeen stored: StoredEvent, opening: Bool, in db: Database
    ) throws -> ConnectionState {
        if let state = connections[id] { return state }
        connectionOrder.append(id)
        if opening {
            assumedNew[id] = []
            return ConnectionState(id: id, firstSeen: stored)
        }
        guard let row = try RawStatement.fetchFirstRow(db.cachedStatement(sql: Self.selectConnection), [id.databaseValue], in: db)
        else {
            return ConnectionState(id: id, firstSeen: stored)
        }
        let state = ConnectionState(values: row)
        loadedConnections[id] = state
        return state
    }

    private mutating func session(_ id: String, in db: Database) throws -> SessionState? {
        if let state = sessions[id] { return state }
        if missingSessions.contains(id) { return nil }
        guard let row = try RawStatement.fetchFirstRow(db.cachedStatement(sql: Self.selectSession), [id.databaseValue], in: db)
        else {
            missingSessions.insert(id)
            return nil
        }
        let state = SessionState(values: row)
        loadedSessions[id] = state
        sessions[id] = state
        sessionOrder.append(id)
        return state
    }

    /// INSERT a new row, or UPDATE only the columns that differ from what was read. Returns
    /// false when an insertion met an existing row (and so changed nothing).
    @discardableResult
    private func write(
        _ values: [DatabaseValue], original: [DatabaseValue]?, columns: [String], insertion: String, table: String,
        in db: Database
    ) throws -> Bool {
        guard let original else {
            try RawStatement.execute(db.cachedStatement(sql: insertion), values, in: db)
            return db.changesCount > 0
        }
        let changed = columns.indices.filter { values[$0] != original[$0] }
        guard !changed.isEmpty else { return true }
        // Statements are cached by their text; the sets of changed columns that occur are few.
        let assignments = changed.map { "\(columns[$0]) = ?" }.joined(separator: ", ")
        try RawStatement.execute(
            db.cachedStatement(sql: "UPDATE \(table) SET \(assignments) WHERE id = ?"),
            changed.map { values[$0] } + [original[0]], in: db)
        return true
    }
}
