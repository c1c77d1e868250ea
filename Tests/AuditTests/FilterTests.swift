import GRDB
import Testing
@testable import Audit

@Suite("Filters")
struct FilterTests {
    static let now = EventFixtures.base

    /// Six connections at known times, users, organisations, targets, tickets and results.
    static func store() throws -> StoreFixture {
        let fixture = try StoreFixture()
        let store = fixture.store
        func ago(_ minutes: Int64) -> AuditTimestamp { now.adding(microseconds: -minutes * 60_000_000) }
        store.writeAll(
            EventFixtures.allowedExec("c-000000000001", at: ago(300), user: "alice", ticket: "INC-1")
                + EventFixtures.allowedExec("c-000000000002", at: ago(180), user: "bob", organization: "provider",
                                            target: "db-01", ticket: "INC-2")
                + EventFixtures.denied("c-000000000003", at: ago(90), user: "bob", organization: "provider",
                                       target: "web-01", ticket: "INC-2")
                + EventFixtures.allowedExec("c-000000000004", at: ago(30), user: "alice", target: "db-01", login: "root")
                + EventFixtures.unknownKey("c-000000000005", at: ago(10))
                + EventFixtures.allowedExec("c-000000000006", at: ago(5), user: "carol", organization: "provider",
                                            ticket: "INC-1", exitStatus: 3))
        return fixture
    }

    static func connectionIDs(_ store: AuditStore, _ filter: AuditFilter) throws -> [String] {
        try store.records(in: .connections, matching: filter).map { ExportText.plain($0["connection_id"] ?? .null) }
    }

    static func ids(_ numbers: Int...) -> [String] { numbers.map { String(format: "c-%012d", $0) } }

    @Test func withoutAFilterEveryConnectionComesNewestFirst() throws {
        let fixture = try Self.store()
        let store = fixture.store
        #expect(try Self.connectionIDs(store, AuditFilter()) == Self.ids(6, 5, 4, 3, 2, 1))
    }

    @Test func sinceAndUntilBoundTheOpeningTime() throws {
        let fixture = try Self.store()
        let store = fixture.store
        let since = try TimeBoundParser.parse("2h", now: Self.now)
        #expect(try Self.connectionIDs(store, AuditFilter(since: since)) == Self.ids(6, 5, 4, 3))
        let until = try TimeBoundParser.parse("20m", now: Self.now)
        #expect(try Self.connectionIDs(store, AuditFilter(since: since, until: until)) == Self.ids(4, 3))
        let date = try TimeBoundParser.parse("2025-03-14T09:00", now: Self.now)
        #expect(try Self.connectionIDs(store, AuditFilter(until: date)) == Self.ids(1), "until is exclusive")
        let later = try TimeBoundParser.parse("2025-03-14 09:30:00Z", now: Self.now)
        #expect(try Self.connectionIDs(store, AuditFilter(until: later)) == Self.ids(2, 1))
    }

    static let exactFilters: [(AuditFilter, [Int])] = [
        (AuditFilter(user: "alice"), [4, 1]),
        (AuditFilter(organization: "provider"), [6, 3, 2]),
        (AuditFilter(target: "db-01"), [4, 2]),
        (AuditFilter(login: "root"), [4, 3]),
        (AuditFilter(ticket: "INC-2"), [3, 2]),
        (AuditFilter(result: "denied"), [3]),
        (AuditFilter(result: "unknown_key"), [5]),
        (AuditFilter(user: "bob", result: "allowed"), [2]),
        (AuditFilter(limit: 2), [6, 5]),
        (AuditFilter(organization: "provider", limit: 1), [6]),
        (AuditFilter(limit: 0), []),
    ]

    @Test(arguments: exactFilters)
    func connectionFiltersMatchExactly(filter: AuditFilter, expected: [Int]) throws {
        let fixture = try Self.store()
        let store = fixture.store
        #expect(try Self.connectionIDs(store, filter) == expected.map { String(format: "c-%012d", $0) })
    }

    @Test func sessionFiltersUseTheSessionsOwnColumns() throws {
        let fixture = try Self.store()
        let store = fixture.store
        let failed = try store.records(in: .sessions, matching: AuditFilter(result: "failed"))
        #expect(failed.map { $0["session_id"] } == ["s-000000000006"])
        let aliceSessions = try store.records(in: .sessions, matching: AuditFilter(user: "alice"))
        #expect(aliceSessions.map { $0["session_id"] } == ["s-000000000004", "s-000000000001"])
        let byTicket = try store.records(in: .sessions, matching: AuditFilter(ticket: "INC-1", limit: 1))
        #expect(byTicket.map { $0["session_id"] } == ["s-000000000006"])
    }

    @Test func eventFiltersTakeKindAndConnection() throws {
        let fixture = try Self.store()
        let store = fixture.store
        let decisions = try store.records(in: .events, matching: AuditFilter(result: "denied", kind: "access.decision"))
        #expect(decisions.map { $0["connection_id"] } == ["c-000000000003"])
        let one = try store.records(in: .events, matching: AuditFilter(connectionID: "c-000000000005"))
        #expect(one.map { $0["kind"] } == ["connection.close", "auth.attempt", "connection.open"])
        let since = try store.records(in: .events, matching: AuditFilter(since: Self.now.adding(microseconds: -5 * 60_000_000)))
        #expect(since.count == 7)
    }

    @Test func eventFiltersOnWhoSelectWholeConnections() throws {
        let fixture = try Self.store()
        let store = fixture.store
        try store.recordQuery(by: AuditInvoker(name: "bob", uid: 1002), command: "sessions", filter: [:])
        let bobs = try store.records(in: .events, matching: AuditFilter(user: "bob"))
        // Both of bob's connections whole (7 + 4 events, their connection.open included, which
        // knew no user yet), and the query bob the Unix user ran (in no connection).
        #expect(bobs.count == 12)
        #expect(bobs.first?["kind"] == "audit.query")
        #expect(bobs.filter { $0["kind"] == "connection.open" }.count == 2)
        let denied = try store.records(in: .events, matching: AuditFilter(organization: "provider", result: "denied"))
        #expect(denied.map { $0["kind"] } == ["access.decision"])
    }

    @Test func aFilterAListingDoesNotHaveIsRefused() throws {
        let fixture = try Self.store()
        let store = fixture.store
        #expect(throws: AuditError.invalidFilter("connections cannot be filtered by kind")) {
            try store.records(in: .connections, matching: AuditFilter(kind: "auth.attempt"))
        }
        #expect(throws: AuditError.self) { try store.records(in: .connections, matching: AuditFilter(limit: -1)) }
    }

    @Test func filtersUseTheIndexes() throws {
        let fixture = try Self.store()
        let store = fixture.store
        for (listing, filter) in [
            (AuditListing.connections, AuditFilter(user: "alice")), (.connections, AuditFilter(ticket: "INC-1")),
            (.connections, AuditFilter(since: Self.now)), (.sessions, AuditFilter(target: "web-01")),
            (.events, AuditFilter(connectionID: "c-000000000001")),
        ] {
            let (sql, arguments) = try listing.statement(for: filter)
            let details = try store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            #expect(details.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") },
                    "\(listing.name) \(filter): \(details)")
        }
    }
}
