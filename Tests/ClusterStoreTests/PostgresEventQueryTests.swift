import Audit
@testable import ClusterStore
import Testing

/// `audit events` on PostgreSQL: the same filters as on SQLite, bound as parameters.
@Suite struct PostgresEventQueryTests {
    @Test func noFilterListsEveryNodesEventsNewestFirst() throws {
        let query = try PostgresEventQuery(filter: AuditFilter())
        #expect(query.sql.hasPrefix("SELECT node, id, time, kind, "))
        #expect(query.sql.contains(#", "user", "#))
        #expect(query.sql.hasSuffix(" FROM events ORDER BY time DESC, node, id DESC"))
        #expect(query.parameters.isEmpty)
    }

    @Test func valuesAreParametersNeverSQL() throws {
        let since = try #require(AuditTimestamp(iso8601: "2026-01-02T03:04:05.000000Z"))
        let query = try PostgresEventQuery(filter: AuditFilter(since: since, kind: "access.decision", limit: 10))
        #expect(query.sql.contains("WHERE time >= $1 AND kind = $2 ORDER BY"))
        #expect(query.sql.hasSuffix(" LIMIT 10"))
        #expect(query.parameters == ["2026-01-02T03:04:05.000000Z", "access.decision"])
        let hostile = try PostgresEventQuery(filter: AuditFilter(kind: "x' OR '1'='1"))
        #expect(!hostile.sql.contains("'1'='1"))
    }

    @Test func whoFiltersSelectWholeConnectionsAndReuseTheirParameters() throws {
        let query = try PostgresEventQuery(filter: AuditFilter(user: "alice", target: "web-01"))
        #expect(query.sql.contains(#"((node, connection_id) IN (SELECT node, connection_id FROM events WHERE "user" = $1 AND target = $2)"#
            + #" OR (connection_id IS NULL AND "user" = $1 AND target = $2))"#), "\(query.sql)")
        #expect(query.parameters == ["alice", "web-01"])
    }

    @Test func unknownFiltersAreRefused() {
        var filter = AuditFilter()
        filter.direction = "upload"
        #expect(throws: AuditError.invalidFilter("events cannot be filtered by direction")) { try PostgresEventQuery(filter: filter) }
        #expect(throws: AuditError.self) { try PostgresEventQuery(filter: AuditFilter(limit: -1)) }
    }
}

/// The lines of `cluster status` and of `audit verify` on several nodes.
@Suite struct ClusterReportTests {
    private func node(_ name: String, config: String?) -> NodeStatus {
        NodeStatus(node: name, secondsSinceSeen: 1.25, configurationSHA256: config, sessionsOpen: 3, shippedID: 812,
                   lagEvents: 0, lagSeconds: 0, version: "0.1.0")
    }

    @Test func sameConfigurationsGiveOneLinePerNode() {
        let report = ClusterStatusReport(nodes: [node("gw-1", config: "abcdef0123456789"), node("gw-2", config: "abcdef0123456789")])
        #expect(!report.configurationsDiffer)
        #expect(report.lines == [
            "gw-1  seen 1.2s ago  config abcdef012345  sessions 3  shipped 812  lag 0 events 0.0s",
            "gw-2  seen 1.2s ago  config abcdef012345  sessions 3  shipped 812  lag 0 events 0.0s",
        ])
    }

    @Test func differentConfigurationsAreFlagged() {
        let report = ClusterStatusReport(nodes: [node("gw-1", config: "aaaa"), node("gw-2", config: "bbbb")])
        #expect(report.configurationsDiffer)
        #expect(report.lines.filter { $0.contains("(MISMATCH)") }.count == 2)
        #expect(report.lines.last == "configurations differ between nodes: copy the same file to every node")
    }

    @Test func agesStayShort() {
        #expect(ClusterStatusReport.age(0.4) == "0.4s")
        #expect(ClusterStatusReport.age(42) == "42s")
        #expect(ClusterStatusReport.age(185) == "3m05s")
        #expect(ClusterStatusReport.age(7_800) == "2h10m")
    }

    @Test func verifyLinesNameEachNodeAndAMissingExpectedHead() {
        let verification = TrailVerification(chains: [
            .init(node: "gw-1", verdict: .intact(count: 2, head: "ab")),
            .init(node: "gw-2", verdict: .broken(eventID: 7, reason: "its contents do not match its hash: the row was edited")),
        ], missingExpectedHashes: ["cd"])
        #expect(!verification.isIntact)
        #expect(verification.lines == [
            "node gw-1: OK 2 events, head ab",
            "node gw-2: BROKEN at event 7: its contents do not match its hash: the row was edited",
            "BROKEN: no node's chain passes through expected hash cd: later events were removed or replaced",
        ])
        // A single node's own trail prints exactly as before clusters existed.
        #expect(TrailVerification(chains: [.init(node: nil, verdict: .intact(count: 5, head: "ef"))]).lines == ["OK 5 events, head ef"])
    }
}
