internal import GRDB

/// One break-glass review item as the `reviews` projection holds it.
package struct ReviewRecord: Sendable, Hashable {
    package var id: String
    package var connectionID: String
    package var openedAt: String
    package var user: String
    package var organization: String
    package var target: String
    package var targetOwner: String?
    package var login: String
    package var sourceAddress: String?
    package var reason: String
    package var ruleName: String
    package var result: ReviewResult
    package var reviewedBy: String?

    package init(id: String, connectionID: String, openedAt: String, user: String, organization: String, target: String,
                 targetOwner: String?, login: String, sourceAddress: String?, reason: String, ruleName: String,
                 result: ReviewResult, reviewedBy: String?) {
        self.id = id
        self.connectionID = connectionID
        self.openedAt = openedAt
        self.user = user
        self.organization = organization
        self.target = target
        self.targetOwner = targetOwner
        self.login = login
        self.sourceAddress = sourceAddress
        self.reason = reason
        self.ruleName = ruleName
        self.result = result
        self.reviewedBy = reviewedBy
    }
}

/// The durable side of break-glass reviews, behind a protocol so that another engine can serve
/// it without touching `Gateway`. Writes go through the chain (`breakglass.*` events).
package protocol ReviewStore: Sendable {
    /// Items still open, oldest first.
    func openReviews() throws(AuditError) -> [ReviewRecord]
    /// One item, open or closed.
    func review(id: String) throws(AuditError) -> ReviewRecord?
    /// The item of a session (s-…) or connection (c-…) that broke the glass, if it did.
    func review(ofSessionOrConnection id: String) throws(AuditError) -> ReviewRecord?
}

extension AuditStore: ReviewStore {
    package func openReviews() throws(AuditError) -> [ReviewRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.reviewColumns) FROM reviews WHERE result = 'open' ORDER BY opened_at")
                .compactMap(Self.reviewRecord)
        }
    }

    package func review(id: String) throws(AuditError) -> ReviewRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.reviewColumns) FROM reviews WHERE id = ?", arguments: [id])
                .flatMap(Self.reviewRecord)
        }
    }

    package func review(ofSessionOrConnection id: String) throws(AuditError) -> ReviewRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.reviewColumns) FROM reviews WHERE id = (
                    SELECT break_glass_review FROM sessions
                    WHERE (id = ? OR connection_id = ?) AND break_glass_review IS NOT NULL LIMIT 1)
                """, arguments: [id, id]).flatMap(Self.reviewRecord)
        }
    }

    private static let reviewColumns = """
        id, connection_id, opened_at, user, organization, target, target_owner, login, source_address, reason, rule_name,
        result, reviewed_by
        """

    private static func reviewRecord(_ row: Row) -> ReviewRecord? {
        guard let result = (row["result"] as String?).flatMap(ReviewResult.init(rawValue:)) else { return nil }
        return ReviewRecord(
            id: row["id"], connectionID: row["connection_id"], openedAt: row["opened_at"], user: row["user"] ?? "",
            organization: row["organization"] ?? "", target: row["target"] ?? "", targetOwner: row["target_owner"],
            login: row["login"] ?? "", sourceAddress: row["source_address"], reason: row["reason"] ?? "",
            ruleName: row["rule_name"] ?? "", result: result, reviewedBy: row["reviewed_by"])
    }
}
