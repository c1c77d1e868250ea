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
    /// Looked up once per batch: GRDB's statement cache hashes the whole SQL text on every call.
    private let selectConnectionStatement: Statement
    private let selectSessionStatement: Statement
    private let insertConnectionStatement: Statement
    private let insertSessionStatement: Statement

    init(in db: Database) throws {
        selectConnectionStatement = try db.cachedStatement(sql: Self.selectConnection)
        selectSessionStatement = try db.cachedStatement(sql: Self.selectSession)
        insertConnectionStatement = try db.cachedStatement(sql: Self.insertConnection)
        insertSessionStatement = try db.cachedStatement(sql: Self.insertSession)
    }

    private static let selectConnection =
        "SELECT \(ConnectionState.columns.joined(separator: ", ")) FROM connections WHERE id = ?"
    private static let selectSession =
        "SELECT \(SessionState.columns.joined(separator: ", ")) FROM sessions WHERE id = ?"
    private static let insertConnection = insertion(into: "connections", columns: ConnectionState.columns)
    private static let insertSession = insertion(into: "sessions", columns: SessionState.columns)

    private static func insertion(into table: String, columns: [String]) -> String {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        // The row was looked up in this transaction and not found, so a conflict cannot happen;
        // if it ever did, skipping beats failing the batch, which would block the whole trail.
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) ON CONFLICT (id) DO NOTHING"
    }

    // Rows are changed in place in the dictionaries (`dictionary[id]!.mutate()`): copying a
    // row of thirty columns out and back for every event was a visible share of the writer.
    mutating func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        // Deliberately exhaustive, no `default:`: a new kind must decide what it updates.
        switch event.kind {
        case .gatewayStart, .gatewayStop, .configLoad, .configReload, .configReject, .auditQuery, .recordingStop,
            .penaltyStart, .auditPrune, .oversightList, .oversightRefused, .watchStart, .watchEnd, .sessionTerminate,
            .mfaReset, .fileLedgerStop, .proxyRefused:
            return
        case .lockCreate, .lockRemove:
            // Oversight acts are the caller's, not their connection's: they change no
            // connection or session row, only the locks in force.
            try LockProjection.apply(event, stored: stored, in: db)
            return
        case .fileTransfer:
            // Its own row, not the connection's or session's: the ledger is a projection too.
            try FileTransferRow(event: event, stored: stored).insert(in: db)
            return
        case .mfaAttempt, .mfaEnrol, .connectionOpen, .authAttempt, .accessDecision, .upstreamConnect, .channelOpen, .sessionClose,
            .connectionClose, .requestRefused:
            break
        case .approvalRequest, .approvalDecision, .approvalWithdraw:
            // The `approvals` row, then the connection's own (its last event, its context).
            try ApprovalProjection.apply(event, stored: stored, in: db)
        case .breakGlassOpen, .breakGlassReview:
            try ReviewProjection.apply(event, stored: stored, in: db)
        }
        guard let connectionID = event.connectionID else { return }
        try loadConnection(connectionID, firstSeen: stored, in: db)
        connections[connectionID]!.apply(event, stored: stored)
        guard let sessionID = event.sessionID else { return }
        if event.kind == .channelOpen, try !loadSession(sessionID, in: db) {
            missingSessions.remove(sessionID)
            sessions[sessionID] = SessionState(id: sessionID, opening: event, on: connections[connectionID]!, stored: stored)
            sessionOrder.append(sessionID)
            connections[connectionID]!.sessionCount += 1
        } else if event.kind == .sessionClose, try loadSession(sessionID, in: db),
            sessions[sessionID]!.close(with: event, stored: stored)
        {
            connections[connectionID]!.bytesIn += sessions[sessionID]!.bytesIn ?? 0
            connections[connectionID]!.bytesOut += sessions[sessionID]!.bytesOut ?? 0
        }
    }

    /// Writes every touched row: connections first, since sessions refer to them.
    func flush(in db: Database) throws {
        for id in connectionOrder {
            guard let state = connections[id] else { continue }
            try write(state.values, original: loadedConnections[id]?.values, columns: ConnectionState.columns,
                      insertion: insertConnectionStatement, table: "connections", in: db)
        }
        for id in sessionOrder {
            guard let state = sessions[id] else { continue }
            try write(state.values, original: loadedSessions[id]?.values, columns: SessionState.columns,
                      insertion: insertSessionStatement, table: "sessions", in: db)
        }
    }

    /// Makes `connections[id]` hold the row: as stored, or new if the table has none. Every
    /// event looks, `connection.open` included: ids are unique by construction
    /// (`AuditIdentifier`) but an event must never be applied to a row it does not know of, and
    /// with time-ordered ids the lookup reads pages the inserts keep in the cache anyway.
    private mutating func loadConnection(_ id: String, firstSeen stored: StoredEvent, in db: Database) throws {
        guard connections[id] == nil else { return }
        connectionOrder.append(id)
        guard let row = try RawStatement.fetchFirstRow(selectConnectionStatement, [id.databaseValue], in: db)
        else {
            connections[id] = ConnectionState(id: id, firstSeen: stored)
            return
        }
        let state = ConnectionState(values: row)
        loadedConnections[id] = state
        connections[id] = state
    }

    /// Makes `sessions[id]` hold the stored row if there is one; false if there is none.
    private mutating func loadSession(_ id: String, in db: Database) throws -> Bool {
        if sessions[id] != nil { return true }
        if missingSessions.contains(id) { return false }
        guard let row = try RawStatement.fetchFirstRow(selectSessionStatement, [id.databaseValue], in: db)
        else {
            missingSessions.insert(id)
            return false
        }
        let state = SessionState(values: row)
        loadedSessions[id] = state
        sessions[id] = state
        sessionOrder.append(id)
        return true
    }

    /// INSERT a new row, or UPDATE only the columns that differ from what was read.
    private func write(
        _ values: [DatabaseValue], original: [DatabaseValue]?, columns: [String], insertion: Statement, table: String,
        in db: Database
    ) throws {
        guard let original else {
            try RawStatement.execute(insertion, values, in: db)
            return
        }
        let changed = columns.indices.filter { values[$0] != original[$0] }
        guard !changed.isEmpty else { return }
        // Statements are cached by their text; the sets of changed columns that occur are few.
        let assignments = changed.map { "\(columns[$0]) = ?" }.joined(separator: ", ")
        try RawStatement.execute(
            db.cachedStatement(sql: "UPDATE \(table) SET \(assignments) WHERE id = ?"),
            changed.map { values[$0] } + [original[0]], in: db)
    }
}
