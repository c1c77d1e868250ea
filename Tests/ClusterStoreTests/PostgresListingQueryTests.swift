import Audit
@testable import ClusterStore
import Testing

/// `audit connections|sessions|files` on PostgreSQL: the listing's view with `node` first, the
/// same filters as on SQLite bound as parameters, and SQLite's GLOB as a regular expression.
@Suite struct PostgresListingQueryTests {
    @Test func connectionsListEveryNodesRowsNewestFirstWithTheNodeFirst() throws {
        let query = try PostgresListingQuery(listing: .connections, filter: AuditFilter(limit: 100))
        #expect(query.sql.hasPrefix("SELECT node, connection_id, opened_at, "), "\(query.sql)")
        #expect(query.sql.contains(#", "user", "#))
        #expect(query.sql.hasSuffix(" FROM connection_summary ORDER BY opened_at DESC, node, connection_id DESC LIMIT 100"), "\(query.sql)")
        #expect(query.parameters.isEmpty)
    }

    @Test func sessionFiltersAreOnTheSessionsOwnColumnsAsParameters() throws {
        var filter = AuditFilter(user: "alice", target: "x' OR '1'='1", connectionID: "c-1")
        filter.approvedBy = "carol"
        let query = try PostgresListingQuery(listing: .sessions, filter: filter, node: "gw-2", ordered: false)
        #expect(query.sql.hasSuffix(#" FROM session_summary WHERE "user" = $1 AND target = $2 AND connection_id = $3 AND approved_by = $4 AND node = $5"#),
                "\(query.sql)")
        #expect(query.parameters == ["alice", "x' OR '1'='1", "c-1", "carol", "gw-2"])
    }

    @Test func filesTakeAPathGlobAndOtherListingsRefuseIt() throws {
        var filter = AuditFilter()
        filter.pathGlob = "/srv/*.tar"
        let query = try PostgresListingQuery(listing: .files, filter: filter)
        #expect(query.sql.contains("WHERE path ~ $1 ORDER BY time DESC, node, event_id DESC"), "\(query.sql)")
        #expect(query.parameters == [#"^/srv/.*\.tar$"#])
        #expect(throws: AuditError.invalidFilter("connections cannot be filtered by path")) {
            try PostgresListingQuery(listing: .connections, filter: filter)
        }
        #expect(throws: AuditError.invalidFilter("connections cannot be filtered by kind")) {
            try PostgresListingQuery(listing: .connections, filter: AuditFilter(kind: "x"))
        }
    }

    @Test func globsBecomeAnchoredExpressionsWithEveryOtherCharacterLiteral() {
        #expect(GlobExpression.regularExpression("a?b*") == "^a.b.*$")
        #expect(GlobExpression.regularExpression("[ab]x[^0-9]") == "^[ab]x[^0-9]$")
        #expect(GlobExpression.regularExpression("[]x]") == #"^[\]x]$"#)
        #expect(GlobExpression.regularExpression("f(1)+$.log") == #"^f\(1\)\+\$\.log$"#)
        #expect(GlobExpression.regularExpression("[open") == #"^\[open$"#)
    }
}
