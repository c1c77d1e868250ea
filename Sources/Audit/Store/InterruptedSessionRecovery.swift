internal import GRDB

/// What `recoverInterrupted()` closed.
package struct InterruptedRecovery: Sendable, Hashable {
    package var sessions: Int
    package var connections: Int
}

extension AuditStore {
    /// Closes, as `interrupted`, every session and connection still open in the trail, by
    /// appending `session.close` and `connection.close` events (so the chain stays valid and the
    /// closing is itself on record). Call it once at `serve` start, before accepting
    /// connections and before the writer starts: only a crashed gateway leaves rows open, and
    /// a running one's rows must not be closed under it. Returns the number of sessions closed.
    @discardableResult
    package func recoverInterruptedSessions() throws(AuditError) -> Int {
        try recoverInterrupted().sessions
    }

    /// As `recoverInterruptedSessions()`, reporting sessions and connections separately.
    @discardableResult
    package func recoverInterrupted() throws(AuditError) -> InterruptedRecovery {
        try write { db in
            let now = AuditTimestamp.now()
            var events: [(event: AuditEvent, time: AuditTimestamp)] = []
            let openSessions = try Row.fetchAll(db, sql: """
                SELECT id, connection_id FROM sessions WHERE closed_at IS NULL ORDER BY opened_at, id
                """)
            for row in openSessions {
                let sessionID: String = row[0]
                let connectionID: String = row[1]
                var event = AuditEvent(.sessionClose, context: try context(of: connectionID, in: db), sessionID: sessionID)
                event.result = SessionResult.interrupted.rawValue
                // Bytes and exit status died with the process: left unknown (NULL), not zero.
                event.reason = ConnectionCloseReason.interrupted.rawValue
                events.append((event, now))
            }
            let openConnections = try String.fetchAll(db, sql: """
                SELECT id FROM connections WHERE closed_at IS NULL ORDER BY opened_at, id
                """)
            for connectionID in openConnections {
                events.append((.connectionClose(try context(of: connectionID, in: db), reason: .interrupted), now))
            }
            try EventAppender.append(events.map { (EventDraft($0.0), $0.1) }, in: db)
            return InterruptedRecovery(sessions: openSessions.count, connections: openConnections.count)
        }
    }

    /// The connection's context as the query table last knew it, so that the closing events
    /// carry who and what like every other event of the connection.
    private func context(of connectionID: String, in db: Database) throws -> AuditContext {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT source_address, source_port, client_version, user, organization, key_type, key_fingerprint,
                target, target_owner, target_labels, login, ticket
            FROM connections WHERE id = ?
            """, arguments: [connectionID])
        else { return AuditContext(connectionID: connectionID) }
        let labels = (row["target_labels"] as String?).flatMap(AuditValueDecoding.object(fromJSON:)) ?? [:]
        return AuditContext(
            connectionID: connectionID,
            sourceAddress: row["source_address"],
            sourcePort: row["source_port"],
            clientVersion: row["client_version"],
            user: row["user"],
            organization: row["organization"],
            keyType: row["key_type"],
            keyFingerprint: row["key_fingerprint"],
            target: row["target"],
            targetOwner: row["target_owner"],
            targetLabels: labels.compactMapValues(\.stringValue),
            login: row["login"],
            ticket: row["ticket"]
        )
    }
}
