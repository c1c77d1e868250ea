internal import GRDB

/// An event as it is stored in the `events` table: the gateway's `AuditEvent` plus the
/// writer's id, time and chain hashes, with labels and details as their stored JSON text.
///
/// The hash covers these stored values, not the Swift values they came from, so that anyone
/// can re-verify a row from the database alone.
package struct StoredEvent: Sendable, Hashable {
    package var id: Int64
    package var time: String
    package var kind: String
    package var connectionID: String?
    package var sessionID: String?
    package var user: String?
    package var organization: String?
    package var sourceAddress: String?
    package var sourcePort: Int64?
    package var clientVersion: String?
    package var keyType: String?
    package var keyFingerprint: String?
    package var target: String?
    package var targetOwner: String?
    package var targetLabels: String
    package var login: String?
    package var ticket: String?
    package var result: String?
    package var reason: String?
    package var details: String
    package var prevHash: String
    package var hash: String

    /// Text as it can be stored and read back unchanged: SQLite readers (GRDB, the `sqlite3`
    /// shell) end text at a NUL, so a NUL sent by a client (in a login, a ticket, a version
    /// string) would come back shorter than what was hashed and look like tampering. It is
    /// replaced by U+FFFD, visibly. JSON columns escape it instead (`\u0000`).
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : Character($0) })
    }

    /// The columns in canonical order: every column but `hash`, ending with `prev_hash`.
    /// Changing this list changes every hash: it is versioned by `CanonicalEncoding.version`.
    package static let hashedColumns = [
        "id", "time", "kind", "connection_id", "session_id", "user", "organization",
        "source_address", "source_port", "client_version", "key_type", "key_fingerprint",
        "target", "target_owner", "target_labels", "login", "ticket", "result", "reason",
        "details", "prev_hash",
    ]

    /// `SELECT` list that reads a row in `hashedColumns` order followed by `hash`.
    package static let selection = (hashedColumns + ["hash"]).joined(separator: ", ")

    /// Builds the row for `event`, at position `id` after the event whose hash is `prevHash`,
    /// and computes its hash.
    package init(id: Int64, time: AuditTimestamp, event: AuditEvent, prevHash: String) {
        self.init(id: id, time: time, draft: EventDraft(event), prevHash: prevHash)
    }

    /// Places a draft in the chain: the writer's share of the work on an event.
    init(id: Int64, time: AuditTimestamp, draft: EventDraft, prevHash: String) {
        self = draft.row
        self.id = id
        self.time = time.iso8601
        self.prevHash = prevHash
        self.hash = HashChain.hash(id: id, time: self.time, encodedBody: draft.encodedBody, prevHash: prevHash)
    }

    /// The row of `event` before it has a place in the chain (`EventDraft`).
    init(unchained event: AuditEvent) {
        self.id = 0
        self.time = ""
        self.kind = event.kind.rawValue
        self.connectionID = event.connectionID.map(Self.storable)
        self.sessionID = event.sessionID.map(Self.storable)
        self.user = event.user.map(Self.storable)
        self.organization = event.organization.map(Self.storable)
        self.sourceAddress = event.sourceAddress.map(Self.storable)
        self.sourcePort = event.sourcePort.map(Int64.init)
        self.clientVersion = event.clientVersion.map(Self.storable)
        self.keyType = event.keyType.map(Self.storable)
        self.keyFingerprint = event.keyFingerprint.map(Self.storable)
        self.target = event.target.map(Self.storable)
        self.targetOwner = event.targetOwner.map(Self.storable)
        self.targetLabels = CanonicalJSON.encode(event.targetLabels)
        self.login = event.login.map(Self.storable)
        self.ticket = event.ticket.map(Self.storable)
        self.result = event.result.map(Self.storable)
        self.reason = event.reason.map(Self.storable)
        self.details = CanonicalJSON.encode(event.details)
        self.prevHash = ""
        self.hash = ""
    }

    /// Positions of the columns between `time` and `prev_hash` in `hashedColumns`: what an
    /// `EventDraft` encodes before the writer knows the event's place.
    static let bodyColumns = 2..<(hashedColumns.count - 1)

    /// The values of `hashedColumns`, as `CanonicalEncoding` sees them.
    package var canonicalFields: [CanonicalField] {
        [
            .integer(id), .text(time), .text(kind), .init(connectionID), .init(sessionID), .init(user),
            .init(organization), .init(sourceAddress), .init(sourcePort), .init(clientVersion), .init(keyType),
            .init(keyFingerprint), .init(target), .init(targetOwner), .text(targetLabels), .init(login),
            .init(ticket), .init(result), .init(reason), .text(details), .text(prevHash),
        ]
    }

    /// The arguments of an `INSERT` listing `hashedColumns` then `hash`.
    var insertionValues: [DatabaseValue] {
        [
            id.databaseValue, time.databaseValue, kind.databaseValue, connectionID.databaseValue,
            sessionID.databaseValue, user.databaseValue, organization.databaseValue, sourceAddress.databaseValue,
            sourcePort.databaseValue, clientVersion.databaseValue, keyType.databaseValue, keyFingerprint.databaseValue,
            target.databaseValue, targetOwner.databaseValue, targetLabels.databaseValue, login.databaseValue,
            ticket.databaseValue, result.databaseValue, reason.databaseValue, details.databaseValue,
            prevHash.databaseValue, hash.databaseValue,
        ]
    }

    package var timestamp: AuditTimestamp? { AuditTimestamp(iso8601: time) }

    package var eventKind: AuditEventKind? { AuditEventKind(rawValue: kind) }

    /// `details` decoded; `[:]` if the stored text is not a JSON object.
    package var decodedDetails: [String: AuditValue] {
        AuditValueDecoding.object(fromJSON: details) ?? [:]
    }

    package var decodedTargetLabels: [String: AuditValue] {
        AuditValueDecoding.object(fromJSON: targetLabels) ?? [:]
    }
}

extension StoredEvent {
    /// Reads a row selected with `selection`. Tolerant of tampered types (a text in
    /// `source_port`): reading must never crash on the evidence it is meant to judge.
    init(row: Row) {
        func text(_ index: Int) -> String? { CanonicalField(row[index] as DatabaseValue).textValue }
        id = (row[0] as DatabaseValue).storage.int64 ?? 0
        time = text(1) ?? ""
        kind = text(2) ?? ""
        connectionID = text(3)
        sessionID = text(4)
        user = text(5)
        organization = text(6)
        sourceAddress = text(7)
        sourcePort = (row[8] as DatabaseValue).storage.int64
        clientVersion = text(9)
        keyType = text(10)
        keyFingerprint = text(11)
        target = text(12)
        targetOwner = text(13)
        targetLabels = text(14) ?? "{}"
        login = text(15)
        ticket = text(16)
        result = text(17)
        reason = text(18)
        details = text(19) ?? "{}"
        prevHash = text(20) ?? ""
        hash = text(21) ?? ""
    }
}

extension DatabaseValue.Storage {
    var int64: Int64? {
        if case .int64(let value) = self { return value }
        return nil
    }
}

extension StoredEvent {
    /// The row as the events listing prints it (JSON columns decoded).
    package var record: AuditRecord {
        let values: [AuditValue] = [
            .integer(id), .string(time), .string(kind), AuditValue(connectionID), AuditValue(sessionID),
            AuditValue(user), AuditValue(organization), AuditValue(sourceAddress), sourcePort.map(AuditValue.integer) ?? .null,
            AuditValue(clientVersion), AuditValue(keyType), AuditValue(keyFingerprint), AuditValue(target),
            AuditValue(targetOwner), .object(decodedTargetLabels), AuditValue(login), AuditValue(ticket),
            AuditValue(result), AuditValue(reason), .object(decodedDetails), .string(prevHash), .string(hash),
        ]
        return AuditRecord(columns: StoredEvent.hashedColumns + ["hash"], values: values)
    }
}

extension StoredEvent {
    /// Positions in `hashedColumns`, for readers that work on raw fields.
    static let kindColumn = hashedColumns.firstIndex(of: "kind")!
    static let detailsColumn = hashedColumns.firstIndex(of: "details")!
}

extension StoredEvent {
    /// Reads a row of another engine that returns every value as text (PostgreSQL's text
    /// format), in `selection` order: `hashedColumns` then `hash`; nil for NULL.
    package init(texts: [String?]) {
        func text(_ index: Int) -> String? { index < texts.count ? texts[index] : nil }
        id = text(0).flatMap { Int64($0) } ?? 0
        time = text(1) ?? ""
        kind = text(2) ?? ""
        connectionID = text(3)
        sessionID = text(4)
        user = text(5)
        organization = text(6)
        sourceAddress = text(7)
        sourcePort = text(8).flatMap { Int64($0) }
        clientVersion = text(9)
        keyType = text(10)
        keyFingerprint = text(11)
        target = text(12)
        targetOwner = text(13)
        targetLabels = text(14) ?? "{}"
        login = text(15)
        ticket = text(16)
        result = text(17)
        reason = text(18)
        details = text(19) ?? "{}"
        prevHash = text(20) ?? ""
        hash = text(21) ?? ""
    }

    /// The values of `selection` as text, for an engine that binds text parameters.
    package var texts: [String?] {
        [
            String(id), time, kind, connectionID, sessionID, user, organization, sourceAddress,
            sourcePort.map { String($0) }, clientVersion, keyType, keyFingerprint, target, targetOwner, targetLabels,
            login, ticket, result, reason, details, prevHash, hash,
        ]
    }
}
