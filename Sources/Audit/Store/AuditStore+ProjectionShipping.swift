internal import GRDB

/// What the cluster shipper reads besides the events: the current query-table rows a batch of
/// events touched, and the search index's lines.
extension AuditStore {
    /// The rows, as they are now, of the connections the events belong to, of those
    /// connections' sessions, of the file transfers the events are, and of the break-glass
    /// review items they open or close (a review is closed from the reviewer's connection, so
    /// the item is found by the id in the event, not by connection). "As they are now":
    /// a row may already reflect a later event; that event's own batch ships it again, so the
    /// last copy in PostgreSQL is always the latest state.
    package func projectionRows(of events: [StoredEvent]) throws(AuditError) -> [ProjectionRows] {
        guard let first = events.first, let last = events.last else { return [] }
        let connectionIDs = Array(Set(events.compactMap(\.connectionID))).sorted()
        return try read { db in
            var result: [ProjectionRows] = []
            if !connectionIDs.isEmpty {
                let marks = Array(repeating: "?", count: connectionIDs.count).joined(separator: ", ")
                result.append(try Self.rows(of: .connections, where: "id IN (\(marks))", connectionIDs, in: db))
                result.append(try Self.rows(of: .sessions, where: "connection_id IN (\(marks))", connectionIDs, in: db))
            }
            result.append(try Self.rows(of: .fileTransfers, where: "event_id BETWEEN ? AND ?", [first.id, last.id], in: db))
            let reviewIDs = Array(Set(events.compactMap(Self.reviewID))).sorted()
            if !reviewIDs.isEmpty {
                let marks = Array(repeating: "?", count: reviewIDs.count).joined(separator: ", ")
                result.append(try Self.rows(of: .reviews, where: "id IN (\(marks))", reviewIDs, in: db))
            }
            return result.filter { !$0.rows.isEmpty }
        }
    }

    /// The review item a break-glass event opens or closes.
    private static func reviewID(_ event: StoredEvent) -> String? {
        guard event.kind == AuditEventKind.breakGlassOpen.rawValue || event.kind == AuditEventKind.breakGlassReview.rawValue
        else { return nil }
        return AuditValueDecoding.object(fromJSON: event.details)?[AuditDetailKey.reviewID]?.stringValue
    }

    /// Up to `limit` lines of the search index with an id above `id`, oldest first.
    package func sessionLines(after id: Int64, limit: Int) throws(AuditError) -> ProjectionRows {
        try read { db in
            try Self.rows(of: .sessionLines, where: "id > ? ORDER BY id LIMIT ?", [id, Int64(limit)], in: db)
        }
    }

    private static func rows(
        of table: ProjectionTable, where condition: String, _ arguments: [any DatabaseValueConvertible], in db: Database
    ) throws -> ProjectionRows {
        let sql = "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) WHERE \(condition)"
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            Array(row.databaseValues.map(Self.text))
        }
        return ProjectionRows(table: table, rows: rows)
    }

    /// A value as libpq's text format reads it into the column's type.
    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let integer): String(integer)
        case .double(let real): String(real)
        case .string(let text): text
        case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
        }
    }
}
