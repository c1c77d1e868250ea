internal import GRDB

/// One `connections` row as the writer holds it while applying a batch: loaded once, changed
/// in memory by each event, written once when the batch commits.
///
/// The rules are plain Swift on plain values (`apply`), so what an event does to the row can be
/// read here in one place, and only the columns that really changed reach SQLite: rewriting
/// every indexed column for every event was most of the writer's time.
struct ConnectionState: Equatable {
    var id: String
    var openedAt: String
    var closedAt: String?
    var durationMilliseconds: Int64?
    var sourceAddress: String?
    var sourcePort: Int64?
    var clientVersion: String?
    var user: String?
    var organization: String?
    var keyType: String?
    var keyFingerprint: String?
    var authAttempts: Int64 = 0
    var target: String?
    var targetOwner: String?
    var targetLabels: String?
    var login: String?
    var ticket: String?
    var grantName: String?
    var result: String?
    var reason: String?
    var upstreamResult: String?
    var upstreamHostKey: String?
    var closeReason: String?
    var sessionCount: Int64 = 0
    var bytesIn: Int64 = 0
    var bytesOut: Int64 = 0
    var firstEventID: Int64
    var lastEventID: Int64
    /// code | reused (since …, from connection c-…) | not_required (migration 0009).
    var secondFactor: String?
    var certificateSerial: Int64?

    /// The table's columns, in the order of `values`.
    static let columns = [
        "id", "opened_at", "closed_at", "duration_ms", "source_address", "source_port", "client_version", "user",
        "organization", "key_type", "key_fingerprint", "auth_attempts", "target", "target_owner", "target_labels",
        "login", "ticket", "grant_name", "result", "reason", "upstream_result", "upstream_host_key", "close_reason",
        "session_count", "bytes_in", "bytes_out", "first_event_id", "last_event_id", "second_factor", "certificate_serial",
    ]

    var values: [DatabaseValue] {
        [
            id.databaseValue, openedAt.databaseValue, closedAt.databaseValue, durationMilliseconds.databaseValue,
            sourceAddress.databaseValue, sourcePort.databaseValue, clientVersion.databaseValue, user.databaseValue,
            organization.databaseValue, keyType.databaseValue, keyFingerprint.databaseValue,
            authAttempts.databaseValue, target.databaseValue, targetOwner.databaseValue, targetLabels.databaseValue,
            login.databaseValue, ticket.databaseValue, grantName.databaseValue, result.databaseValue,
            reason.databaseValue, upstreamResult.databaseValue, upstreamHostKey.databaseValue,
            closeReason.databaseValue, sessionCount.databaseValue, bytesIn.databaseValue, bytesOut.databaseValue,
            firstEventID.databaseValue, lastEventID.databaseValue, secondFactor.databaseValue, certificateSerial.databaseValue,
        ]
    }

    /// A row seen for the first time, normally at its `connection.open`.
    init(id: String, firstSeen stored: StoredEvent) {
        self.id = id
        openedAt = stored.time
        firstEventID = stored.id
        lastEventID = stored.id
    }

    /// A row read back with `SELECT <columns>`, as raw values, so that a hand-edited row
    /// cannot crash the writer.
    init(values row: [DatabaseValue]) {
        func text(_ index: Int) -> String? { CanonicalField(row[index]).textValue }
        func integer(_ index: Int) -> Int64? { row[index].storage.int64 }
        id = text(0) ?? ""
        openedAt = text(1) ?? ""
        closedAt = text(2)
        durationMilliseconds = integer(3)
        sourceAddress = text(4)
        sourcePort = integer(5)
        clientVersion = text(6)
        user = text(7)
        organization = text(8)
        keyType = text(9)
        keyFingerprint = text(10)
        authAttempts = integer(11) ?? 0
        target = text(12)
        targetOwner = text(13)
        targetLabels = text(14)
        login = text(15)
        ticket = text(16)
        grantName = text(17)
        result = text(18)
        reason = text(19)
        upstreamResult = text(20)
        upstreamHostKey = text(21)
        closeReason = text(22)
        sessionCount = integer(23) ?? 0
        bytesIn = integer(24) ?? 0
        bytesOut = integer(25) ?? 0
        firstEventID = integer(26) ?? 0
        lastEventID = integer(27) ?? 0
        secondFactor = row.count > 28 ? text(28) : nil
        certificateSerial = row.count > 29 ? integer(29) : nil
    }

    /// Authentication succeeded at some point: later attempts no longer change who this is.
    var isAuthenticated: Bool {
        guard let result else { return false }
        return result != ConnectionResult.rejected.rawValue && result != ConnectionResult.unknownKey.rawValue
    }

    /// Applies what `event` says. Session rows and their effect on the totals are the batch's
    /// business (`QueryTableBatch`), since they involve a second table.
    mutating func apply(_ event: AuditEvent, stored: StoredEvent) {
        lastEventID = stored.id
        mergeContext(of: event, labels: event.targetLabels.isEmpty ? nil : stored.targetLabels)
        switch event.kind {
        case .authAttempt:
            authAttempts += 1
            // Until one attempt is accepted, the row shows the latest attempt's key and owner
            // together (the user of one attempt beside the key of another would mislead).
            if !isAuthenticated {
                user = event.user
                organization = event.organization
                keyType = event.keyType
                keyFingerprint = event.keyFingerprint
                result = switch AuthAttemptResult(rawValue: event.result ?? "") {
                case .accepted: ConnectionResult.authenticated.rawValue
                case .unknownKey: ConnectionResult.unknownKey.rawValue
                case .rejected, nil: ConnectionResult.rejected.rawValue
                }
                reason = event.reason
            }
        case .accessDecision:
            secondFactor = event.details[AuditDetailKey.secondFactor]?.stringValue ?? secondFactor
            result = event.result
            reason = event.reason
            grantName = event.details[AuditDetailKey.grant]?.stringValue ?? grantName
        case .upstreamConnect:
            upstreamResult = event.result
            upstreamHostKey = event.details[AuditDetailKey.hostKeyFingerprint]?.stringValue ?? upstreamHostKey
            certificateSerial = event.details[AuditDetailKey.certificateSerial]?.integerValue ?? certificateSerial
            // A failed upstream is the connection's outcome; a successful one leaves `allowed`.
            if event.result == UpstreamResult.failed.rawValue {
                result = ConnectionResult.failed.rawValue
                reason = event.reason
            }
        case .connectionClose:
            guard closedAt == nil else { return }
            closedAt = stored.time
            closeReason = event.reason
            if let opened = AuditTimestamp(iso8601: openedAt), let closed = AuditTimestamp(iso8601: stored.time) {
                durationMilliseconds = closed.milliseconds(since: opened)
            }
        case .connectionOpen, .channelOpen, .sessionClose, .requestRefused, .gatewayStart, .gatewayStop, .configLoad,
            .configReload, .configReject, .auditQuery, .recordingStop, .penaltyStart, .auditPrune, .mfaReset, .mfaEnrol,
            .approvalRequest, .approvalDecision, .approvalWithdraw, .breakGlassOpen, .breakGlassReview,
            .fileTransfer, .fileLedgerStop,
            .oversightList, .oversightRefused, .watchStart, .watchEnd, .sessionTerminate, .lockCreate, .lockRemove,
            .proxyRefused:
            break
        case .mfaAttempt:
            secondFactor = event.details[AuditDetailKey.secondFactor]?.stringValue ?? secondFactor
        }
    }

    /// The latest non-null value wins and a null never erases one, because events early in a
    /// connection know less than later ones. An attempt's identity is applied as a unit above.
    private mutating func mergeContext(of event: AuditEvent, labels: String?) {
        sourceAddress = event.sourceAddress ?? sourceAddress
        sourcePort = event.sourcePort.map(Int64.init) ?? sourcePort
        clientVersion = event.clientVersion ?? clientVersion
        if event.kind != .authAttempt {
            user = event.user ?? user
            organization = event.organization ?? organization
            keyType = event.keyType ?? keyType
            keyFingerprint = event.keyFingerprint ?? keyFingerprint
        }
        target = event.target ?? target
        targetOwner = event.targetOwner ?? targetOwner
        targetLabels = labels ?? targetLabels
        login = event.login ?? login
        ticket = event.ticket ?? ticket
    }
}
