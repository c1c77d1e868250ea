/// What an auditor asks for. Every condition is optional and they combine with AND; string
/// conditions are exact matches.
package struct AuditFilter: Sendable, Hashable {
    /// Inclusive lower bound on the row's time (connections and sessions: when they opened).
    package var since: AuditTimestamp?
    /// Exclusive upper bound on the row's time.
    package var until: AuditTimestamp?
    package var user: String?
    package var organization: String?
    package var target: String?
    package var login: String?
    package var ticket: String?
    package var result: String?
    /// Events only: one kind, e.g. `access.decision`.
    package var kind: String?
    /// Sessions and events only: those of one connection.
    package var connectionID: String?
    /// Sessions only: those started under an approval by this user.
    package var approvedBy: String?
    /// Files only: `upload` or `download`.
    package var direction: String?
    /// Files only: the content's SHA-256 (lowercase hex).
    package var sha256: String?
    /// Files only: a GLOB (`*`, `?`, `[…]`, case-sensitive) the path must match.
    package var pathGlob: String?
    /// At most this many rows, newest first; `nil` for all.
    package var limit: Int?

    package init(
        since: AuditTimestamp? = nil, until: AuditTimestamp? = nil, user: String? = nil, organization: String? = nil,
        target: String? = nil, login: String? = nil, ticket: String? = nil, result: String? = nil,
        kind: String? = nil, connectionID: String? = nil, limit: Int? = nil
    ) {
        self.since = since
        self.until = until
        self.user = user
        self.organization = organization
        self.target = target
        self.login = login
        self.ticket = ticket
        self.result = result
        self.kind = kind
        self.connectionID = connectionID
        self.limit = limit
    }

    /// The filter as recorded in the `audit.query` event: only the conditions given.
    package var auditDetails: [String: AuditValue] {
        var details: [String: AuditValue] = [:]
        if let since { details["since"] = .string(since.iso8601) }
        if let until { details["until"] = .string(until.iso8601) }
        for (key, value) in exactMatches { details[key] = .string(value) }
        if let pathGlob { details["path"] = .string(pathGlob) }
        if let limit { details["limit"] = AuditValue(limit) }
        return details
    }

    /// The string conditions by the column they match.
    package var exactMatches: [(column: String, value: String)] {
        let pairs: [(String, String?)] = [
            ("user", user), ("organization", organization), ("target", target), ("login", login),
            ("ticket", ticket), ("result", result), ("kind", kind), ("connection_id", connectionID),
            ("approved_by", approvedBy),
            ("direction", direction), ("sha256", sha256),
        ]
        return pairs.compactMap { column, value in value.map { (column, $0) } }
    }
}
