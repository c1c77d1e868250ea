internal import GRDB

/// One page of a listing and where the next one starts.
package struct AuditPage: Sendable, Hashable {
    package var records: [AuditRecord]
    /// `nil` on the last page.
    package var next: AuditCursor?
}

/// The queries of the auditors' web page: each one limited to the viewer's `AuditScope` in
/// its SQL, so a row outside it is neither listed, counted, searched nor opened.
extension AuditStore {
    /// Up to `size` rows of `listing` (connections or sessions) matching `filter` within
    /// `scope`, newest first, starting after `cursor`.
    package func page(
        of listing: AuditListing, matching filter: AuditFilter, scope: AuditScope, after cursor: AuditCursor?, size: Int
    ) throws(AuditError) -> AuditPage {
        var bounded = filter
        bounded.limit = max(1, min(size, 500)) + 1
        let (sql, arguments) = try listing.statement(for: bounded, scope: scope, after: cursor)
        var records = try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { AuditRecord(row: $0, columns: listing.columns) }
        }
        var next: AuditCursor?
        if records.count > bounded.limit! - 1 {
            records.removeLast()
            if let last = records.last, let time = last[listing.timeColumn]?.stringValue,
               let key = Self.cursorKey(last[listing.columns[0]]) {
                next = AuditCursor(time: time, key: key)
            }
        }
        return AuditPage(records: records, next: next)
    }

    /// A row's key as a page position: ids (`c-…`) as they are, the ledger's event ids as digits
    /// (SQLite compares the bound text with the integer column numerically).
    private static func cursorKey(_ value: AuditValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .integer(let number)?: String(number)
        default: nil
        }
    }

    /// One connection with its sessions and events, if it lies within `scope`; `nil` when it
    /// does not exist or the viewer may not see it (the page answers both with 404).
    package func connectionDetail(id: String, scope: AuditScope) throws(AuditError) -> ConnectionDetail? {
        let (sql, arguments) = try AuditListing.connections.statement(
            for: AuditFilter(connectionID: id, limit: 1), scope: scope)
        let visible = try read { db in try Row.fetchOne(db, sql: sql, arguments: arguments) != nil }
        guard visible else { return nil }
        return try connectionDetail(id: id)
    }

    /// One session's row, if it lies within `scope`.
    package func session(id: String, scope: AuditScope) throws(AuditError) -> AuditRecord? {
        let listing = AuditListing.sessions
        var sql = "SELECT \(listing.columns.joined(separator: ", ")) FROM \(listing.source) WHERE session_id = ?"
        var arguments: [String] = [id]
        if let visibility = scope.condition {
            sql += " AND " + visibility.sql
            arguments += visibility.arguments
        }
        return try read { db in
            try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))
                .map { AuditRecord(row: $0, columns: listing.columns) }
        }
    }
}
