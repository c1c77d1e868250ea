import Audit

/// The statements on the cluster's `approval_requests` table (migration 0003) for one node.
/// Every write notifies `tracegate_state` with `approval:<id>` in its own transaction.
struct SharedApprovalTable {
    let node: String
    let connection: PostgresConnection

    /// The schema version that has `approval_requests`.
    static let schemaVersion = 3

    private static let columns = """
        id, connection_id, "user", organization, target, login, ticket, source_address, command, grant_name,
        requested_at, wait_until
        """

    /// Writes a request that waits on this node; twice changes nothing.
    func insert(_ request: SharedApprovalRequest) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO approval_requests (\(Self.columns), node) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (id) DO NOTHING
                """, [request.id, request.connectionID, request.user, request.organization, request.target, request.login,
                      request.ticket, request.sourceAddress, request.command, request.grantName,
                      request.requestedAt.iso8601, request.waitUntil.iso8601, node])
            try notify(request.id)
        }
    }

    /// The request no longer waits on this node; a decision already there stays.
    func end(id: String, status: String) throws {
        try connection.transaction {
            try connection.execute("UPDATE approval_requests SET status = $2 WHERE id = $1 AND status = 'pending'", [id, status])
            try notify(id)
        }
    }

    /// Ends, as `interrupted`, the requests still pending under this node's name, as the node's
    /// own trail withdraws them at start: nobody on another node should approve a request whose
    /// connection died with the previous process.
    func closeLeftovers() throws {
        try connection.transaction {
            let ids = try connection.execute(
                "UPDATE approval_requests SET status = 'interrupted' WHERE node = $1 AND status = 'pending' RETURNING id",
                [node]).rows.compactMap { $0.first ?? nil }
            for id in ids { try notify(id) }
        }
    }

    /// Shares a decision made on this node for a request waiting here (its claim was local:
    /// the request never left this node's board). Pushed before the requester can end it.
    func record(_ decision: SharedApprovalDecision) throws {
        try connection.transaction {
            try connection.execute("""
                UPDATE approval_requests SET status = $2, decided_by = $3, decided_by_org = $4, decided_node = $5,
                    note = $6, valid_until = $7 WHERE id = $1 AND status = 'pending'
                """, [decision.id, decision.approved ? "approved" : "denied", decision.approver,
                      decision.approverOrganization, node, decision.note, decision.validUntil?.iso8601])
            try notify(decision.id)
        }
    }

    /// Decides `id` as one claim: the row is locked (`FOR UPDATE`), so that an approver on
    /// another node waits for this transaction and then finds the request decided.
    func decide(
        id: String, now: AuditTimestamp, check: (SharedApprovalRequest) -> String?,
        decide: (SharedApprovalRequest) -> SharedApprovalDecision,
        record: (SharedApprovalRequest, SharedApprovalDecision) throws -> Void
    ) throws -> Result<(SharedApprovalRequest, SharedApprovalDecision), RemoteDecisionFailure> {
        try connection.transaction {
            let rows = try connection.execute(
                "SELECT \(Self.columns), status FROM approval_requests WHERE id = $1 FOR UPDATE", [id]).rows
            guard let row = rows.first, let request = Self.request(row) else { return .failure(.unknown) }
            guard let status = row[12], status == "pending" else { return .failure(.ended(row[12] ?? "ended")) }
            guard request.waitUntil > now else { return .failure(.ended("expired")) }
            if let refusal = check(request) { return .failure(.refused(refusal)) }
            let decision = decide(request)
            do {
                try record(request, decision)
            } catch {
                return .failure(.notRecorded)
            }
            try connection.execute("""
                UPDATE approval_requests SET status = $2, decided_by = $3, decided_by_org = $4, decided_node = $5,
                    note = $6, valid_until = $7 WHERE id = $1
                """, [id, decision.approved ? "approved" : "denied", decision.approver, decision.approverOrganization, node,
                      decision.note, decision.validUntil?.iso8601])
            try notify(id)
            return .success((request, decision))
        }
    }

    /// The decisions made for `ids` (requests waiting on this node), by whichever node.
    func decisions(for ids: [String]) throws -> [SharedApprovalDecision] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.execute("""
            SELECT id, status, decided_by, decided_by_org, note, valid_until FROM approval_requests
            WHERE id = ANY($1::text[]) AND status IN ('approved', 'denied') AND decided_by IS NOT NULL
            """, ["{" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "}"]).rows
        return rows.compactMap { row in
            guard row.count == 6, let id = row[0], let status = row[1], let approver = row[2] else { return nil }
            return SharedApprovalDecision(id: id, approved: status == "approved", approver: approver,
                                          approverOrganization: row[3], note: row[4],
                                          validUntil: row[5].flatMap(AuditTimestamp.init(iso8601:)))
        }
    }

    /// Requests waiting on any node now, oldest first: what approvers connected anywhere may decide.
    func pending(at now: AuditTimestamp) throws -> [SharedApprovalRequest] {
        try connection.execute(
            "SELECT \(Self.columns) FROM approval_requests WHERE status = 'pending' AND wait_until > $1 ORDER BY requested_at",
            [now.iso8601]).rows.compactMap(Self.request)
    }

    /// Approvals still valid at `now`, wherever they were given. The times are the chain's
    /// fixed-width UTC text, so comparing them as text compares the instants.
    func inForce(at now: AuditTimestamp) throws -> [SharedApprovalInForce] {
        try connection.execute("""
            SELECT id, "user", target, login, ticket, decided_by, valid_until FROM approval_requests
            WHERE status = 'approved' AND decided_by IS NOT NULL AND valid_until > $1
            """, [now.iso8601]).rows.compactMap { row in
            guard row.count == 7, let id = row[0], let user = row[1], let target = row[2], let login = row[3],
                  let approver = row[5], let until = row[6].flatMap(AuditTimestamp.init(iso8601:)) else { return nil }
            return SharedApprovalInForce(id: id, user: user, target: target, login: login, ticket: row[4],
                                         approver: approver, validUntil: until)
        }
    }

    private func notify(_ id: String) throws {
        try connection.execute("SELECT pg_notify($1, $2)", [SharedStateChange.channel, SharedStateChange.approval(id: id).payload])
    }

    static func request(_ row: [String?]) -> SharedApprovalRequest? {
        guard row.count >= 12, let id = row[0], let connection = row[1], let user = row[2], let organization = row[3],
              let target = row[4], let login = row[5], let source = row[7], let command = row[8], let grant = row[9],
              let requested = row[10].flatMap(AuditTimestamp.init(iso8601:)),
              let waitUntil = row[11].flatMap(AuditTimestamp.init(iso8601:)) else { return nil }
        return SharedApprovalRequest(id: id, connectionID: connection, user: user, organization: organization, target: target,
                                     login: login, ticket: row[6], sourceAddress: source, command: command, grantName: grant,
                                     requestedAt: requested, waitUntil: waitUntil)
    }
}
