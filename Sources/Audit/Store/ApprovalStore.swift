internal import GRDB

/// One approval request as the trail's `approvals` projection holds it.
package struct ApprovalRecord: Sendable, Hashable {
    package var id: String
    package var connectionID: String
    package var requestedAt: AuditTimestamp
    package var user: String
    package var organization: String
    package var target: String
    package var login: String
    package var ticket: String?
    package var command: String?
    package var status: ApprovalStatus
    package var decidedBy: String?
    package var waitUntil: AuditTimestamp
    package var validUntil: AuditTimestamp?
}

/// The durable side of approvals, behind a protocol so that another engine (PostgreSQL)
/// can serve it without touching `Gateway`. Writes go through the event chain
/// (`approval.*` events); this only reads the projection and closes what a stop left open.
package protocol ApprovalStore: Sendable {
    /// Approved requests whose `valid_until` is after `now`: after a restart they still cover
    /// new sessions of the same user, target, login and ticket.
    func approvalsInForce(at now: AuditTimestamp) throws(AuditError) -> [ApprovalRecord]
    /// Ends, as `interrupted`, every request still pending: their connections died with the
    /// previous process. Call once at start, before connections are accepted.
    func withdrawInterruptedApprovals() throws(AuditError) -> Int
}

extension AuditStore: ApprovalStore {
    package func approvalsInForce(at now: AuditTimestamp) throws(AuditError) -> [ApprovalRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, connection_id, requested_at, user, organization, target, login, ticket, command, status,
                    decided_by, wait_until, valid_until
                FROM approvals WHERE status = 'approved' AND valid_until > ? ORDER BY requested_at
                """, arguments: [now.iso8601]).compactMap(Self.approvalRecord)
        }
    }

    package func withdrawInterruptedApprovals() throws(AuditError) -> Int {
        try write { db in
            let now = AuditTimestamp.now()
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, connection_id, user, organization, source_address, target, target_owner, login, ticket
                FROM approvals WHERE status = 'pending' ORDER BY requested_at
                """)
            let events = rows.map { row in
                let context = AuditContext(
                    connectionID: row["connection_id"], sourceAddress: row["source_address"], user: row["user"],
                    organization: row["organization"], target: row["target"], targetOwner: row["target_owner"],
                    login: row["login"], ticket: row["ticket"])
                let event = AuditEvent.approvalWithdraw(
                    context, approvalID: row["id"], status: .interrupted,
                    reason: "the gateway stopped while the request waited")
                return (EventDraft(event), now)
            }
            if !events.isEmpty { try EventAppender.append(events, in: db) }
            return rows.count
        }
    }

    private static func approvalRecord(_ row: Row) -> ApprovalRecord? {
        guard let requestedAt = (row["requested_at"] as String?).flatMap(AuditTimestamp.init(iso8601:)),
              let waitUntil = (row["wait_until"] as String?).flatMap(AuditTimestamp.init(iso8601:)),
              let status = (row["status"] as String?).flatMap(ApprovalStatus.init(rawValue:))
        else { return nil }
        return ApprovalRecord(
            id: row["id"], connectionID: row["connection_id"], requestedAt: requestedAt, user: row["user"] ?? "",
            organization: row["organization"] ?? "", target: row["target"] ?? "", login: row["login"] ?? "",
            ticket: row["ticket"], command: row["command"], status: status, decidedBy: row["decided_by"],
            waitUntil: waitUntil,
            validUntil: (row["valid_until"] as String?).flatMap(AuditTimestamp.init(iso8601:)))
    }
}
