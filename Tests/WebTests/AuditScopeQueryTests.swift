import Audit
import Foundation
import Testing
import TestSupport

/// The auditors' views are conditions of the SQL itself: checked here on a real SQLite store
/// holding a synthetic trail of two organisations.
@Suite(.serialized)
struct AuditScopeQueryTests {
    static let total = 600

    private func filledStore() throws -> (AuditStore, TemporaryDirectory, SyntheticWorkload) {
        let directory = try TemporaryDirectory(prefix: "tracegate-webq")
        let store = try AuditStore.open(path: directory.file("audit.db"))
        let workload = SyntheticWorkload(userCount: 20, targetCount: 7, start: AuditTimestamp.now().adding(microseconds: -86_400_000_000),
                                         spanMicroseconds: 86_400_000_000)
        _ = try QueryBenchmark.fillConnections(store: store, upTo: Self.total, workload: workload, progress: { _ in })
        return (store, directory, workload)
    }

    private func allRows(_ store: AuditStore, _ listing: AuditListing, scope: AuditScope, size: Int) throws -> [AuditRecord] {
        var rows: [AuditRecord] = []
        var cursor: AuditCursor?
        repeat {
            let page = try store.page(of: listing, matching: AuditFilter(), scope: scope, after: cursor, size: size)
            rows += page.records
            cursor = page.next
        } while cursor != nil
        return rows
    }

    @Test func aRetailerAuditorListsOnlyRowsOfRetailerUsersOrOnRetailerTargets() throws {
        let (store, _, _) = try filledStore()
        let everything = try store.records(in: .connections, matching: AuditFilter())
        let retailer = try allRows(store, .connections, scope: .limited(organizations: ["retailer"], targets: []), size: 37)
        let expected = everything.filter { $0["organization"]?.stringValue == "retailer" || $0["target_owner"]?.stringValue == "retailer" }
        #expect(!expected.isEmpty && expected.count < everything.count)
        #expect(Set(retailer.compactMap { $0["connection_id"]?.stringValue })
                == Set(expected.compactMap { $0["connection_id"]?.stringValue }))
        // Provider rows on provider targets never reach a retailer auditor.
        #expect(!retailer.contains { $0["organization"]?.stringValue == "provider" && $0["target_owner"]?.stringValue == "provider" })
        // Connections with no user (unknown keys) are only for auditors who see everything.
        #expect(!retailer.contains { $0["organization"] == nil || $0["organization"] == .null }
                || retailer.allSatisfy { $0["target_owner"]?.stringValue == "retailer" || $0["organization"]?.stringValue == "retailer" })
    }

    @Test func keysetPagesCoverEveryVisibleRowOnceNewestFirst() throws {
        let (store, _, _) = try filledStore()
        let rows = try allRows(store, .connections, scope: .everything, size: 50)
        let ids = rows.compactMap { $0["connection_id"]?.stringValue }
        #expect(ids.count == Self.total && Set(ids).count == Self.total)
        let times = rows.compactMap { $0["opened_at"]?.stringValue }
        #expect(times == times.sorted(by: >))
        let sessions = try allRows(store, .sessions, scope: .limited(organizations: ["provider"], targets: ["host-1"]), size: 13)
        #expect(Set(sessions.compactMap { $0["session_id"]?.stringValue }).count == sessions.count)
        #expect(sessions.allSatisfy {
            $0["organization"]?.stringValue == "provider" || $0["target_owner"]?.stringValue == "provider"
                || $0["target"]?.stringValue == "host-1"
        })
    }

    @Test func aConnectionOrSessionOutsideTheViewIsNotFound() throws {
        let (store, _, _) = try filledStore()
        let sessions = try store.records(in: .sessions, matching: AuditFilter())
        let providerOnly = try #require(sessions.first {
            $0["organization"]?.stringValue == "provider" && $0["target_owner"]?.stringValue == "provider"
        })
        let sessionID = try #require(providerOnly["session_id"]?.stringValue)
        let connectionID = try #require(providerOnly["connection_id"]?.stringValue)
        let retailer = AuditScope.limited(organizations: ["retailer"], targets: [])
        #expect(try store.session(id: sessionID, scope: retailer) == nil)
        #expect(try store.connectionDetail(id: connectionID, scope: retailer) == nil)
        #expect(try store.session(id: sessionID, scope: .limited(organizations: ["provider"], targets: [])) != nil)
        #expect(try store.connectionDetail(id: connectionID, scope: .everything) != nil)
        // A view naming nothing sees nothing (fail closed), not everything.
        #expect(try store.page(of: .connections, matching: AuditFilter(), scope: .limited(organizations: [], targets: []),
                               after: nil, size: 50).records.isEmpty)
    }

    @Test func searchIsLimitedToTheView() throws {
        let (store, _, _) = try filledStore()
        // No recorded text in the synthetic trail: the statement must still build and run with a scope.
        let hits = try store.searchSessionText("uptime", matching: AuditFilter(limit: 10),
                                               scope: .limited(organizations: ["retailer"], targets: []))
        #expect(hits.isEmpty)
    }

    @Test(arguments: ["", "x", "2025-01-01T00:00:00Z", ",c-1", "2025-01-01T00:00:00Z,", "2025-01-01T00:00:00Z,c 1",
                      "nonsense,c-1", String(repeating: "9", count: 200)])
    func aMalformedPagePositionIsRefused(token: String) {
        #expect(AuditCursor(token: token) == nil)
    }

    @Test func aPagePositionRoundTrips() throws {
        let cursor = AuditCursor(time: "2025-01-31T14:00:00.123456Z", key: "c-6b1501a8efd4987e")
        #expect(AuditCursor(token: cursor.token) == cursor)
    }
}
