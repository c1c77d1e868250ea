import Foundation
import GRDB
import Testing
@testable import Audit

@Suite("Crash recovery")
struct RecoveryTests {
    @Test func sessionsAndConnectionsLeftOpenByACrashAreClosedAsInterrupted() throws {
        let directory = try TemporaryDirectory()
        do {
            // The "crashed" gateway: events committed, then the process is gone without closing anything.
            let store = try AuditStore.open(path: directory.databasePath)
            let writer = store.makeWriter()
            for index in 1...10 {
                for event in EventFixtures.openShell(String(format: "c-%012d", index)) { try writer.recordDurably(event) }
            }
            for event in EventFixtures.allowedExec("c-000000000099") { try writer.recordDurably(event) }
            writer.close()
        }
        let restarted = try AuditStore.open(path: directory.databasePath)
        #expect(try restarted.recoverInterruptedSessions() == 10)

        let sessions = try restarted.records(in: .sessions, matching: AuditFilter())
        #expect(sessions.filter { $0["status"] == "interrupted" }.count == 10)
        #expect(sessions.filter { $0["result"] == "interrupted" }.count == 10)
        #expect(sessions.filter { $0["status"] == "open" }.isEmpty)
        // Bytes and exit status died with the process: unknown, not zero.
        #expect(sessions.filter { $0["status"] == "interrupted" }.allSatisfy { $0["bytes_in"] == .null })
        let connections = try restarted.records(in: .connections, matching: AuditFilter())
        #expect(connections.filter { $0["close_reason"] == "interrupted" }.count == 10)
        #expect(connections.first { $0["connection_id"] == "c-000000000099" }?["close_reason"] == "client_quit")

        let closing = try restarted.records(in: .events, matching: AuditFilter(kind: "session.close", connectionID: "c-000000000001"))
        #expect(closing.count == 1)
        #expect(closing.first?["user"] == "alice", "the closing event carries the connection's context")
        #expect(closing.first?["result"] == "interrupted")
        #expect(try restarted.verifyChain().isIntact)
    }

    @Test func recoveringTwiceClosesNothingTheSecondTime() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll(EventFixtures.openShell("c-000000000001"))
        #expect(try store.recoverInterrupted() == InterruptedRecovery(sessions: 1, connections: 1))
        let count = try store.eventCount()
        #expect(try store.recoverInterrupted() == InterruptedRecovery(sessions: 0, connections: 0))
        #expect(try store.eventCount() == count)
    }

    @Test func recoveryOnAReadOnlyStoreThrows() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll(EventFixtures.openShell("c-000000000001"))
        #expect(chmod(directory.databasePath, 0o400) == 0)
        #expect(throws: AuditError.readOnly(path: directory.databasePath)) { try store.recoverInterruptedSessions() }
    }
}
