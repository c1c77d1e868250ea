internal import GRDB

/// Keeps `connections` and `sessions` in step with the events, inside the same transaction as
/// the event that changes them, so the query tables never disagree with a committed chain.
///
/// Every statement here accepts any event: an event for a connection whose `connection.open`
/// is missing creates the row, a `session.close` for an unknown session changes nothing.
/// A failure here would block the whole trail (the batch is retried), so nothing may depend on
/// the gateway sending a perfect sequence.
enum QueryTableUpdater {
    static func apply(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        // Deliberately exhaustive, no `default:`: a new kind must decide what it updates.
        switch event.kind {
        case .gatewayStart, .gatewayStop, .configLoad, .configReload, .configReject, .auditQuery:
            return
        case .connectionOpen:
            try upsertConnection(event, stored: stored, in: db)
        case .authAttempt:
            try upsertConnection(event, stored: stored, includingIdentity: false, in: db)
            try recordAuthAttempt(event, in: db)
        case .accessDecision:
            try upsertConnection(event, stored: stored, in: db)
            try recordDecision(event, in: db)
        case .upstreamConnect:
            try upsertConnection(event, stored: stored, in: db)
            try recordUpstream(event, in: db)
        case .channelOpen:
            try upsertConnection(event, stored: stored, in: db)
            try openSession(event, stored: stored, in: db)
        case .sessionClose:
            try upsertConnection(event, stored: stored, in: db)
            try closeSession(event, stored: stored, in: db)
        case .connectionClose:
            try upsertConnection(event, stored: stored, in: db)
            try closeConnection(event, stored: stored, in: db)
        }
    }

    // MARK: connections

    /// Creates the row on first sight, else fills in what this event knows: the latest
    /// non-null value wins and a null never erases one, because events early in a connection
    /// know less than later ones.
    private static func upsertConnection(
        _ event: AuditEvent, stored: StoredEvent, includingIdentity: Bool = true, in db: Database
    ) throws {
        guard let connectionID = event.connectionID else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO connections (id, opened_at, source_address, source_port, client_version, user, organization,
                key_type, key_fingerprint, target, target_owner, target_labels, login, ticket,
                first_event_id, last_event_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)
            ON CONFLICT (id) DO UPDATE SET
                source_address = COALESCE(excluded.source_address, source_address),
                source_port = COALESCE(excluded.source_port, source_port),
                client_version = COALESCE(excluded.client_version, client_version),
                user = COALESCE(excluded.user, user),
                organization = COALESCE(excluded.organization, organization),
                key_type = COALESCE(excluded.key_type, key_type),
                key_fingerprint = COALESCE(excluded.key_fingerprint, key_fingerprint),
                target = COALESCE(excluded.target, target),
                target_owner = COALESCE(excluded.target_owner, target_owner),
                target_labels = COALESCE(excluded.target_labels, target_labels),
                login = COALESCE(excluded.login, login),
                ticket = COALESCE(excluded.ticket, ticket),
                last_event_id = excluded.last_event_id
            """)
        let labels = event.targetLabels.isEmpty ? nil : stored.targetLabels
        try statement.execute(arguments: [
            connectionID, stored.time, event.sourceAddress, event.sourcePort, event.clientVersion,
            includingIdentity ? event.user : nil, includingIdentity ? event.organization : nil,
            includingIdentity ? event.keyType : nil, includingIdentity ? event.keyFingerprint : nil,
            event.target, event.targetOwner, labels, event.login, event.ticket, stored.id,
        ])
    }

    /// Until one attempt is accepted, the row shows the latest attempt's key and owner as a
    /// unit (mixing the user of one attempt with the key of another would mislead); after
    /// that, only the count changes.
    private static func recordAuthAttempt(_ event: AuditEvent, in db: Database) throws {
        guard let connectionID = event.connectionID else { return }
        let outcome: ConnectionResult = switch AuthAttemptResult(rawValue: event.result ?? "") {
        case .accepted: .authenticated
        case .unknownKey: .unknownKey
        case .rejected, nil: .rejected
        }
        let statement = try db.cachedStatement(sql: """
            UPDATE connections SET
                auth_attempts = auth_attempts + 1,
                user = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?2 ELSE user END,
                organization = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?3 ELSE organization END,
                key_type = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?4 ELSE key_type END,
                key_fingerprint = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?5 ELSE key_fingerprint END,
                reason = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?6 ELSE reason END,
                result = CASE WHEN result IS NULL OR result IN ('rejected', 'unknown_key') THEN ?7 ELSE result END
            WHERE id = ?1
            """)
        try statement.execute(arguments: [
            connectionID, event.user, event.organization, event.keyType, event.keyFingerprint, event.reason,
            outcome.rawValue,
        ])
    }

    private static func recordDecision(_ event: AuditEvent, in db: Database) throws {
        guard let connectionID = event.connectionID else { return }
        let statement = try db.cachedStatement(sql: """
            UPDATE connections SET result = ?2, reason = ?3, grant_name = COALESCE(?4, grant_name) WHERE id = ?1
            """)
        try statement.execute(arguments: [
            connectionID, event.result, event.reason, event.details[AuditDetailKey.grant]?.stringValue,
        ])
    }

    /// A failed upstream connection is the connection's outcome (`failed`); a successful one
    /// leaves `allowed` in place.
    private static func recordUpstream(_ event: AuditEvent, in db: Database) throws {
        guard let connectionID = event.connectionID else { return }
        let statement = try db.cachedStatement(sql: """
            UPDATE connections SET
                upstream_result = ?2,
                upstream_host_key = COALESCE(?3, upstream_host_key),
                result = CASE WHEN ?2 = 'failed' THEN 'failed' ELSE result END,
                reason = CASE WHEN ?2 = 'failed' THEN ?4 ELSE reason END
            WHERE id = ?1
            """)
        try statement.execute(arguments: [
            connectionID, event.result, event.details[AuditDetailKey.hostKeyFingerprint]?.stringValue, event.reason,
        ])
    }

    private static func closeConnection(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let connectionID = event.connectionID else { return }
        let statement = try db.cachedStatement(sql: """
            UPDATE connections SET
                closed_at = ?2,
                duration_ms = CAST(ROUND((julianday(?2) - julianday(opened_at)) * 86400000.0) AS INTEGER),
                close_reason = ?3
            WHERE id = ?1 AND closed_at IS NULL
            """)
        try statement.execute(arguments: [connectionID, stored.time, event.reason])
    }

    // MARK: sessions

    /// The session copies the connection's context as it stands (already merged with this
    /// event), so that session queries by user, target or ticket need no join.
    private static func openSession(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let connectionID = event.connectionID, let sessionID = event.sessionID else { return }
        let details = event.details
        let pty = details[AuditDetailKey.pty]?.objectValue
        let environment = details[AuditDetailKey.environment].map(CanonicalJSON.encode)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO sessions (id, connection_id, opened_at, user, organization, target, target_owner, login, ticket,
                channel_type, command, subsystem, env, pty_term, pty_cols, pty_rows, forward_host, forward_port,
                recording_path, first_event_id, last_event_id)
            SELECT ?1, c.id, ?2, c.user, c.organization, c.target, c.target_owner, c.login, c.ticket,
                ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13
            FROM connections AS c WHERE c.id = ?14
            ON CONFLICT (id) DO NOTHING
            """)
        try statement.execute(arguments: [
            sessionID, stored.time,
            details[AuditDetailKey.channelType]?.stringValue ?? "unknown",
            details[AuditDetailKey.command]?.stringValue,
            details[AuditDetailKey.subsystem]?.stringValue,
            environment,
            pty?[AuditDetailKey.ptyTerm]?.stringValue,
            pty?[AuditDetailKey.ptyColumns]?.integerValue,
            pty?[AuditDetailKey.ptyRows]?.integerValue,
            details[AuditDetailKey.forwardHost]?.stringValue,
            details[AuditDetailKey.forwardPort]?.integerValue,
            details[AuditDetailKey.recordingPath]?.stringValue,
            stored.id, connectionID,
        ])
        if db.changesCount > 0 {
            try db.cachedStatement(sql: "UPDATE connections SET session_count = session_count + 1 WHERE id = ?")
                .execute(arguments: [connectionID])
        }
    }

    private static func closeSession(_ event: AuditEvent, stored: StoredEvent, in db: Database) throws {
        guard let connectionID = event.connectionID, let sessionID = event.sessionID else { return }
        let details = event.details
        let bytesIn = details[AuditDetailKey.bytesIn]?.integerValue
        let bytesOut = details[AuditDetailKey.bytesOut]?.integerValue
        let statement = try db.cachedStatement(sql: """
            UPDATE sessions SET
                closed_at = ?2,
                duration_ms = COALESCE(?3, CAST(ROUND((julianday(?2) - julianday(opened_at)) * 86400000.0) AS INTEGER)),
                exit_status = ?4,
                exit_signal = ?5,
                result = ?6,
                bytes_in = ?7,
                bytes_out = ?8,
                recording_path = COALESCE(?9, recording_path),
                recording_size = ?10,
                recording_sha256 = ?11,
                last_event_id = ?12
            WHERE id = ?1 AND closed_at IS NULL
            """)
        try statement.execute(arguments: [
            sessionID, stored.time,
            details[AuditDetailKey.durationMilliseconds]?.integerValue,
            details[AuditDetailKey.exitStatus]?.integerValue,
            details[AuditDetailKey.exitSignal]?.stringValue,
            event.result,
            bytesIn, bytesOut,
            details[AuditDetailKey.recordingPath]?.stringValue,
            details[AuditDetailKey.recordingSize]?.integerValue,
            details[AuditDetailKey.recordingSHA256]?.stringValue,
            stored.id,
        ])
        if db.changesCount > 0, bytesIn != nil || bytesOut != nil {
            try db.cachedStatement(sql: """
                UPDATE connections SET bytes_in = bytes_in + ?2, bytes_out = bytes_out + ?3 WHERE id = ?1
                """).execute(arguments: [connectionID, bytesIn ?? 0, bytesOut ?? 0])
        }
    }
}
