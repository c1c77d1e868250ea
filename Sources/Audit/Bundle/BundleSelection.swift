/// Which part of the trail a postmortem bundle holds: the one place where the bundle's query is
/// defined. The exporter runs it, the manifest records it, and `tracegate audit bundle verify
/// --against audit.db` runs it again on another copy of the trail, up to the bundle's head, to
/// find any matching event the bundle left out.
///
/// Connections match on their own row (ticket, target, user, organization, opened in the time
/// range); their sessions and every event they carry come with them. Events outside any
/// connection (approvals, reloads, queries) match when each condition given matches their own
/// columns: with a ticket, those that carry it; with only a time range, all of that range.
package struct BundleSelection: Codable, Sendable, Hashable {
    package var ticket: String?
    /// Inclusive, UTC, as stored (`2026-12-06T09:15:02.123456Z`).
    package var since: String?
    /// Exclusive.
    package var until: String?
    package var target: String?
    package var user: String?
    package var organization: String?

    package init(ticket: String? = nil, since: AuditTimestamp? = nil, until: AuditTimestamp? = nil, target: String? = nil,
                 user: String? = nil, organization: String? = nil) {
        self.ticket = ticket
        self.since = since?.iso8601
        self.until = until?.iso8601
        self.target = target
        self.user = user
        self.organization = organization
    }

    enum CodingKeys: String, CodingKey {
        case ticket, since, until, target, user, organization
    }

    /// A bundle of "everything" is refused: it is a backup, not a postmortem.
    package var isBounded: Bool { ticket != nil || since != nil || until != nil }

    /// The conditions as the `audit.query` event records them.
    package var auditDetails: [String: AuditValue] {
        var details: [String: AuditValue] = [:]
        for (key, value) in [("ticket", ticket), ("since", since), ("until", until), ("target", target),
                             ("user", user), ("organization", organization)] {
            if let value { details[key] = .string(value) }
        }
        return details
    }

    /// One line for people: `ticket INC-42, target web-01`.
    package var summary: String {
        let parts = [("ticket", ticket), ("since", since), ("until", until), ("target", target), ("user", user),
                     ("organization", organization)].compactMap { key, value in value.map { "\(key) \($0)" } }
        return parts.isEmpty ? "everything" : parts.joined(separator: ", ")
    }

    /// `WHERE` clause and arguments on `connections` (its own columns).
    var connectionCondition: (sql: String, arguments: [String]) {
        condition(time: "opened_at")
    }

    /// Clause on `events` for the events outside any connection.
    var looseEventCondition: (sql: String, arguments: [String]) {
        condition(time: "time")
    }

    private func condition(time: String) -> (sql: String, arguments: [String]) {
        var arguments: [String] = []
        let sql = condition(time: time, column: { $0 }) { value in
            arguments.append(value)
            return "?"
        }
        return (arguments.isEmpty ? "1" : sql, arguments)
    }

    /// The same conditions for another engine: `column` quotes a column name, `bind` takes a
    /// value and returns its placeholder (PostgreSQL numbers them). Empty: always true.
    package func condition(time: String, column: (String) -> String, bind: (String) -> String) -> String {
        var clauses: [String] = []
        let exact: [(String, String?)] = [("ticket", ticket), ("target", target), ("user", user), ("organization", organization)]
        for (name, value) in exact {
            guard let value else { continue }
            clauses.append("\(column(name)) = \(bind(value))")
        }
        if let since { clauses.append("\(column(time)) >= \(bind(since))") }
        if let until { clauses.append("\(column(time)) < \(bind(until))") }
        return clauses.isEmpty ? "TRUE" : clauses.joined(separator: " AND ")
    }
}
