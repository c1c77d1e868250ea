import Foundation
import GRDB
import Testing
@testable import Audit

@Suite("Reading the trail is audited")
struct AuditQueryTests {
    @Test func aQueryIsRecordedWithWhoAndWhatFilter() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let filter = AuditFilter(since: EventFixtures.base, user: "alice", result: "denied", limit: 50)
        try store.recordQuery(by: AuditInvoker(name: "auditor", uid: 1001), command: "connections", filter: filter.auditDetails)

        let event = try #require(try store.records(in: .events, matching: AuditFilter(kind: "audit.query")).first)
        #expect(event["user"] == "auditor")
        #expect(event["result"] == "ok")
        #expect(event["details"] == [
            "uid": 1001, "command": "connections",
            "filter": ["since": "2025-03-14T12:00:00.000000Z", "user": "alice", "result": "denied", "limit": 50],
        ])
        let logged = try store.read { db in try Row.fetchOne(db, sql: "SELECT user, uid, command, filter FROM audit_query_log") }
        #expect(logged?["command"] == "connections")
        #expect(logged?["uid"] == 1001)
        #expect((logged?["filter"] as String?)?.contains("\"user\":\"alice\"") == true)
    }

    @Test func aQueryThatCannotBeRecordedMustNotRun() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        #expect(chmod(directory.databasePath, 0o400) == 0)
        #expect(throws: AuditError.readOnly(path: directory.databasePath)) {
            try store.recordQuery(by: AuditInvoker.current(), command: "events", filter: [:])
        }
    }

    @Test func theInvokerComesFromThePasswordDatabase() {
        let invoker = AuditInvoker.current()
        #expect(invoker.uid == Int(geteuid()))
        #expect(!invoker.name.isEmpty)
    }
}
