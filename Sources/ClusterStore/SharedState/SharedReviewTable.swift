import Audit

/// The statements on the cluster's `shared_reviews` table (migration 0005) for one node. Each write
/// notifies `tracegate_state` with 'review:<id>' in its own transaction.
struct SharedReviewTable {
    let node: String
    let connection: PostgresConnection

    /// The schema version that has `reviews`.
    static let schemaVersion = 5

    private static let columns = """
        id, connection_id, opened_at, "user", organization, target, target_owner, login, source_address, reason, rule_name,
        result, reviewed_by
        """

    /// Writes an item opened on this node; twice changes nothing.
    func insert(_ review: ReviewRecord) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO shared_reviews (id, connection_id, opened_at, "user", organization, target, target_owner, login,
                    source_address, reason, rule_name, node)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING
                """, [review.id, review.connectionID, review.openedAt, review.user, review.organization, review.target,
                      review.targetOwner, review.login, review.sourceAddress, review.reason, review.ruleName, node])
            try notify(review.id)
        }
    }

    /// Shares a review made on this node while the cluster did not know the item; an item
    /// closed meanwhile elsewhere keeps its first review.
    func closeIfOpen(_ closing: ReviewClosing) throws {
        try connection.transaction {
            try update(closing, onlyIfOpen: true)
            try notify(closing.id)
        }
    }

    /// Closes `id` as one claim: the row is locked (`FOR UPDATE`), so that a reviewer on
    /// another node waits for this transaction and then finds the item closed.
    func close(
        id: String, check: (ReviewRecord) -> String?, closing: (ReviewRecord) -> ReviewClosing,
        record: (ReviewRecord) throws -> Void
    ) throws -> Result<ReviewRecord, RemoteReviewFailure> {
        try connection.transaction {
            let rows = try connection.execute("SELECT \(Self.columns) FROM shared_reviews WHERE id = $1 FOR UPDATE", [id]).rows
            guard let item = rows.first.flatMap(Self.record) else { return .failure(.unknown) }
            guard item.result == .open else { return .failure(.closed(item.result, by: item.reviewedBy)) }
            if let refusal = check(item) { return .failure(.refused(refusal)) }
            let decided = closing(item)
            do {
                try record(item)
            } catch {
                return .failure(.notRecorded)
            }
            try update(decided, onlyIfOpen: false)
            try notify(id)
            return .success(item)
        }
    }

    /// Items still open, on any node, oldest first.
    func open() throws -> [ReviewRecord] {
        try connection.execute("SELECT \(Self.columns) FROM shared_reviews WHERE result = 'open' ORDER BY opened_at, id")
            .rows.compactMap(Self.record)
    }

    /// How many items are open on any node (for `/metrics`, read by the feed).
    func openCount() throws -> Int {
        Int(try connection.execute("SELECT count(*) FROM shared_reviews WHERE result = 'open'").scalar ?? "0") ?? 0
    }

    func review(id: String) throws -> ReviewRecord? {
        try connection.execute("SELECT \(Self.columns) FROM shared_reviews WHERE id = $1", [id]).rows.first.flatMap(Self.record)
    }

    private func update(_ closing: ReviewClosing, onlyIfOpen: Bool) throws {
        try connection.execute("""
            UPDATE shared_reviews SET result = $2, reviewed_at = $3, reviewed_by = $4, reviewed_by_org = $5, review_note = $6,
                review_node = $7
            WHERE id = $1\(onlyIfOpen ? " AND result = 'open'" : "")
            """, [closing.id, closing.result.rawValue, closing.time.iso8601, closing.reviewer, closing.reviewerOrganization,
                  closing.note, node])
    }

    private func notify(_ id: String) throws {
        try connection.execute("SELECT pg_notify($1, $2)", [SharedStateChange.channel, SharedStateChange.review(id: id).payload])
    }

    /// A row as an item; a row this version cannot read (an unknown result) is skipped.
    static func record(_ row: [String?]) -> ReviewRecord? {
        guard row.count == 13, let id = row[0], let connection = row[1], let opened = row[2], let user = row[3],
              let result = row[11].flatMap(ReviewResult.init(rawValue:)) else { return nil }
        return ReviewRecord(id: id, connectionID: connection, openedAt: opened, user: user, organization: row[4] ?? "",
                            target: row[5] ?? "", targetOwner: row[6], login: row[7] ?? "", sourceAddress: row[8],
                            reason: row[9] ?? "", ruleName: row[10] ?? "", result: result, reviewedBy: row[12])
    }
}
