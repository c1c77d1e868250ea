internal import GRDB

/// One `sessions` row as the writer holds it while applying a batch (see `ConnectionState`).
struct SessionState: Equatable {
    var id: String
    var connectionID: String
    var openedAt: String
    var closedAt: String?
    var durationMilliseconds: Int64?
    var user: String?
    var organization: String?
    var target: String?
    var targetOwner: String?
    var login: String?
    var ticket: String?
    var channelType: String
    var command: String?
    var subsystem: String?
    var environment: String?
    var ptyTerm: String?
    var ptyColumns: Int64?
    var ptyRows: Int64?
    var forwardHost: String?
    var forwardPort: Int64?
    var exitStatus: Int64?
    var exitSignal: String?
    var result: String?
    var bytesIn: Int64?
    var bytesOut: Int64?
    var recordingPath: String?
    var recordingSize: Int64?
    var recordingSHA256: String?
    var firstEventID: Int64
    var lastEventID: Int64
    /// The approval the session started under, and its approver (migration 0010).
    var approvalID: String?
    var approvedBy: String?
    /// The break-glass review item of the session's connection (b-…), when it broke the glass.
    var breakGlassReview: String?

    static let columns = [
        "id", "connection_id", "opened_at", "closed_at", "duration_ms", "user", "organization", "target",
        "target_owner", "login", "ticket", "channel_type", "command", "subsystem", "env", "pty_term", "pty_cols",
        "pty_rows", "forward_host", "forward_port", "exit_status", "exit_signal", "result", "bytes_in", "bytes_out",
        "recording_path", "recording_size", "recording_sha256", "first_event_id", "last_event_id", "approval_id",
        "approved_by", "break_glass_review",
    ]

    var values: [DatabaseValue] {
        [
            id.databaseValue, connectionID.databaseValue, openedAt.databaseValue, closedAt.databaseValue,
            durationMilliseconds.databaseValue, user.databaseValue, organization.databaseValue, target.databaseValue,
            targetOwner.databaseValue, login.databaseValue, ticket.databaseValue, channelType.databaseValue,
            command.databaseValue, subsystem.databaseValue, environment.databaseValue, ptyTerm.databaseValue,
            ptyColumns.databaseValue, ptyRows.databaseValue, forwardHost.databaseValue, forwardPort.databaseValue,
            exitStatus.databaseValue, exitSignal.databaseValue, result.databaseValue, bytesIn.databaseValue,
            bytesOut.databaseValue, recordingPath.databaseValue, recordingSize.databaseValue,
            recordingSHA256.databaseValue, firstEventID.databaseValue, lastEventID.databaseValue,
            approvalID.databaseValue, approvedBy.databaseValue, breakGlassReview.databaseValue,
        ]
    }

    /// A session opened by `channel.open`. It copies the connection's context as it stands
    /// (already merged with this event), so that session queries by user, target or ticket
    /// need no join.
    init(id: String, opening event: AuditEvent, on connection: ConnectionState, stored: StoredEvent) {
        let details = event.details
        let pty = details[AuditDetailKey.pty]?.objectValue
        self.id = id
        connectionID = connection.id
        openedAt = stored.time
        user = connection.user
        organization = connection.organization
        target = connection.target
        targetOwner = connection.targetOwner
        login = connection.login
        ticket = connection.ticket
        channelType = details[AuditDetailKey.channelType]?.stringValue ?? "unknown"
        command = details[AuditDetailKey.command]?.stringValue
        subsystem = details[AuditDetailKey.subsystem]?.stringValue
        environment = details[AuditDetailKey.environment].map(CanonicalJSON.encode)
        ptyTerm = pty?[AuditDetailKey.ptyTerm]?.stringValue
        ptyColumns = pty?[AuditDetailKey.ptyColumns]?.integerValue
        ptyRows = pty?[AuditDetailKey.ptyRows]?.integerValue
        forwardHost = details[AuditDetailKey.forwardHost]?.stringValue
        forwardPort = details[AuditDetailKey.forwardPort]?.integerValue
        recordingPath = details[AuditDetailKey.recordingPath]?.stringValue
        approvalID = details[AuditDetailKey.approvalID]?.stringValue
        approvedBy = details[AuditDetailKey.approvedBy]?.stringValue
        breakGlassReview = details[AuditDetailKey.breakGlassReview]?.stringValue
        firstEventID = stored.id
        lastEventID = stored.id
    }

    init(values row: [DatabaseValue]) {
        func text(_ index: Int) -> String? { CanonicalField(row[index]).textValue }
        func integer(_ index: Int) -> Int64? { row[index].storage.int64 }
        id = text(0) ?? ""
        connectionID = text(1) ?? ""
        openedAt = text(2) ?? ""
        closedAt = text(3)
        durationMilliseconds = integer(4)
        user = text(5)
        organization = text(6)
        target = text(7)
        targetOwner = text(8)
        login = text(9)
        ticket = text(10)
        channelType = text(11) ?? "unknown"
        command = text(12)
        subsystem = text(13)
        environment = text(14)
        ptyTerm = text(15)
        ptyColumns = integer(16)
        ptyRows = integer(17)
        forwardHost = text(18)
        forwardPort = integer(19)
        exitStatus = integer(20)
        exitSignal = text(21)
        result = text(22)
        bytesIn = integer(23)
        bytesOut = integer(24)
        recordingPath = text(25)
        recordingSize = integer(26)
        recordingSHA256 = text(27)
        firstEventID = integer(28) ?? 0
        lastEventID = integer(29) ?? 0
        approvalID = row.count > 30 ? text(30) : nil
        approvedBy = row.count > 31 ? text(31) : nil
        breakGlassReview = row.count > 32 ? text(32) : nil
    }

    /// Completes the session from its `session.close`; false if it was already closed.
    mutating func close(with event: AuditEvent, stored: StoredEvent) -> Bool {
        guard closedAt == nil else { return false }
        let details = event.details
        closedAt = stored.time
        if let duration = details[AuditDetailKey.durationMilliseconds]?.integerValue {
            durationMilliseconds = duration
        } else if let opened = AuditTimestamp(iso8601: openedAt), let closed = AuditTimestamp(iso8601: stored.time) {
            durationMilliseconds = closed.milliseconds(since: opened)
        }
        exitStatus = details[AuditDetailKey.exitStatus]?.integerValue
        exitSignal = details[AuditDetailKey.exitSignal]?.stringValue
        result = event.result
        bytesIn = details[AuditDetailKey.bytesIn]?.integerValue
        bytesOut = details[AuditDetailKey.bytesOut]?.integerValue
        recordingPath = details[AuditDetailKey.recordingPath]?.stringValue ?? recordingPath
        recordingSize = details[AuditDetailKey.recordingSize]?.integerValue
        recordingSHA256 = details[AuditDetailKey.recordingSHA256]?.stringValue
        lastEventID = stored.id
        return true
    }
}
