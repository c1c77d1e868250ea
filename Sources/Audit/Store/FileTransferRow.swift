internal import GRDB

/// One `file_transfers` row, made from its `file.transfer` event inside the writer's batch.
struct FileTransferRow {
    static let columns = [
        "event_id", "time", "connection_id", "session_id", "user", "organization", "target", "target_owner", "login",
        "protocol", "operation", "direction", "path", "second_path", "resolved_path", "bytes", "ranges", "sha256",
        "integrity", "status", "note", "started_at", "ended_at",
    ]

    private static let insertion: String = {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        // Replayed batches (a retried commit) must not fail on a row already there.
        return "INSERT INTO file_transfers (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) "
            + "ON CONFLICT (event_id) DO NOTHING"
    }()

    let values: [DatabaseValue]

    init(event: AuditEvent, stored: StoredEvent) {
        let details = event.details
        func text(_ key: String) -> DatabaseValue { details[key]?.stringValue.databaseValue ?? .null }
        values = [
            stored.id.databaseValue, stored.time.databaseValue, stored.connectionID.databaseValue,
            stored.sessionID.databaseValue, stored.user.databaseValue, stored.organization.databaseValue,
            stored.target.databaseValue, stored.targetOwner.databaseValue, stored.login.databaseValue,
            (details[AuditDetailKey.fileProtocol]?.stringValue ?? "unknown").databaseValue,
            (details[AuditDetailKey.fileOperation]?.stringValue ?? "unknown").databaseValue,
            text(AuditDetailKey.fileDirection),
            (details[AuditDetailKey.filePath]?.stringValue ?? "").databaseValue,
            text(AuditDetailKey.fileSecondPath), text(AuditDetailKey.fileResolvedPath),
            (details[AuditDetailKey.fileBytes]?.integerValue ?? 0).databaseValue,
            text(AuditDetailKey.fileRanges), text(AuditDetailKey.fileSHA256),
            (details[AuditDetailKey.fileIntegrity]?.stringValue ?? "none").databaseValue,
            (details[AuditDetailKey.fileStatus]?.stringValue ?? event.result ?? "unknown").databaseValue,
            stored.reason.databaseValue, text(AuditDetailKey.fileStartedAt), text(AuditDetailKey.fileEndedAt),
        ]
    }

    func insert(in db: Database) throws {
        try RawStatement.execute(db.cachedStatement(sql: Self.insertion), values, in: db)
    }
}
