internal import GRDB

/// What the web page's timeline of a ticket shows, read within the viewer's view.
package struct TicketTimelineRows: Sendable {
    /// `session_summary` rows of the ticket, oldest first.
    package var sessions: [AuditRecord]
    /// Their connections' events that the picture marks (commands, refusals, files,
    /// approvals, break-glass), oldest first.
    package var events: [StoredEvent]
    /// More sessions matched than the picture holds.
    package var truncated: Bool
}

extension AuditStore {
    /// The sessions of `ticket` within `scope` (at most `limit`, the newest) and the marked
    /// events of their connections. The scope is part of the sessions' query; events are read
    /// only for the connections those sessions belong to.
    package func ticketTimeline(ticket: String, scope: AuditScope, limit: Int = 500) throws(AuditError) -> TicketTimelineRows {
        var filter = AuditFilter()
        filter.ticket = ticket
        let page = try page(of: .sessions, matching: filter, scope: scope, after: nil, size: limit)
        let sessions = Array(page.records.reversed())
        let connections = Array(Set(sessions.compactMap { $0["connection_id"]?.stringValue })).sorted()
        guard !connections.isEmpty else { return TicketTimelineRows(sessions: [], events: [], truncated: false) }
        let events = try read { db in
            let marks = Array(repeating: "?", count: connections.count).joined(separator: ", ")
            let sql = """
                SELECT \(StoredEvent.selection) FROM events
                WHERE connection_id IN (\(marks))
                  AND (kind IN ('channel.open', 'access.decision', 'request.refused', 'file.transfer')
                       OR kind LIKE 'approval.%' OR kind LIKE 'breakglass.%')
                ORDER BY id LIMIT 20000
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(connections)).map(StoredEvent.init(row:))
        }
        return TicketTimelineRows(sessions: sessions, events: events, truncated: page.next != nil)
    }
}
