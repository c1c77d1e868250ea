import Testing
@testable import Audit

@Suite("Full-text search over session text")
struct SessionTextSearchTests {
    private func store(with sessions: [(id: String, hour: Int, user: String, lines: [String])]) throws
        -> (AuditStore, TemporaryDirectory)
    {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        for session in sessions {
            let start = AuditTimestamp(year: 2025, month: 3, day: 14, hour: Int64(session.hour))!
            for event in EventFixtures.allowedExec(session.id, at: start, user: session.user) { writer.record(event) }
            writer.indexText(SessionTextLines(sessionID: "s" + session.id.dropFirst(), connectionID: session.id,
                                              source: .output, lines: session.lines))
        }
        writer.close()
        return (store, directory)
    }

    @Test func findsTheSessionWithItsLineAndContextNewestFirst() throws {
        let (store, directory) = try store(with: [
            ("c-1", 10, "alice", ["$ ls", "$ rm -rf /srv/old", "$ exit"]),
            ("c-2", 11, "bob", ["$ uptime", "load average"]),
            ("c-3", 12, "bob", ["$ rm -rf /tmp/cache", "done"]),
        ])
        _ = directory
        let hits = try store.searchSessionText("rm -rf", matching: AuditFilter())
        #expect(hits.map(\.line) == ["$ rm -rf /tmp/cache", "$ rm -rf /srv/old"])
        #expect(hits.first?.session["session_id"] == "s-3")
        #expect(hits.last?.before == ["$ ls"])
        #expect(hits.last?.after == ["$ exit"])
    }

    @Test func punctuationIsMatchedAsTypedNotAsQuerySyntax() throws {
        let (store, directory) = try store(with: [("c-1", 10, "alice", ["rm rf is not it", "echo \"quoted\" AND NOT"])])
        _ = directory
        #expect(try store.searchSessionText("rm -rf", matching: AuditFilter()).isEmpty)
        #expect(try store.searchSessionText("\"quoted\" AND", matching: AuditFilter()).count == 1)
    }

    @Test func filtersAndTheLimitApplyToSessions() throws {
        let (store, directory) = try store(with: [
            ("c-1", 10, "alice", ["needle one"]), ("c-2", 11, "bob", ["needle two", "needle again"]),
            ("c-3", 12, "alice", ["needle three"]),
        ])
        _ = directory
        #expect(try store.searchSessionText("needle", matching: AuditFilter(user: "bob")).map(\.matchingLines) == [2])
        #expect(try store.searchSessionText("needle", matching: AuditFilter(limit: 2)).map(\.line)
            == ["needle three", "needle two"])
    }

    @Test func indexedLinesDoNotEnterTheHashChain() throws {
        let (store, directory) = try store(with: [("c-1", 10, "alice", ["anything"])])
        _ = directory
        #expect(try store.eventCount() == EventFixtures.allowedExec("c-1").count)
        #expect(try store.verifyChain().isIntact)
    }
}
