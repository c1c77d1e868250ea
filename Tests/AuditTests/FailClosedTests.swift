import Foundation
import GRDB
import Testing
@testable import Audit

@Suite("Fail closed")
struct FailClosedTests {
    static let quick = AuditStoreOptions(
        busyTimeoutSeconds: 0.2, initialRetryDelaySeconds: 0.01, maximumRetryDelaySeconds: 0.05, closeTimeoutSeconds: 5)

    @Test func aReadOnlyDatabaseMakesTheDecisionThrowUntilItIsWritableAgain() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath, options: Self.quick)
        let writer = store.makeWriter()
        defer { writer.close() }
        let context = EventFixtures.context("c-00000000000a")
        try writer.recordDurably(.connectionOpen(context))

        #expect(chmod(directory.databasePath, 0o400) == 0)
        #expect(throws: AuditError.readOnly(path: directory.databasePath)) {
            try writer.recordDurably(.accessDecision(context, result: .allowed, grant: "ops"))
        }
        #expect(!writer.isHealthy)
        #expect(writer.lastError == .readOnly(path: directory.databasePath))
        // A running session's events are kept and retried, never dropped.
        writer.record(.sessionClose(context, sessionID: "s-00000000000a", outcome: SessionEnd(exitStatus: 0)))

        #expect(chmod(directory.databasePath, 0o600) == 0)
        try writer.recordDurably(.accessDecision(context, result: .allowed, grant: "ops"))
        #expect(writer.isHealthy)
        writer.close()
        let kinds = try store.read { db in try String.fetchAll(db, sql: "SELECT kind FROM events ORDER BY id") }
        // The refused decision is not written later: its caller was told it failed and refused.
        #expect(kinds == ["connection.open", "session.close", "access.decision"])
        #expect(try store.verifyChain().isIntact)
    }

    @Test func aLockedDatabaseMakesTheDecisionThrowAndWritingResumesAfterwards() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath, options: Self.quick)
        let writer = store.makeWriter()
        defer { writer.close() }
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // the lock must outlive one access
        let other = try DatabaseQueue(path: directory.databasePath, configuration: configuration)
        let context = EventFixtures.context("c-00000000000b")

        try other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        #expect(throws: AuditError.locked(path: directory.databasePath)) {
            try writer.recordDurably(.accessDecision(context, result: .allowed))
        }
        #expect(!writer.isHealthy)
        try other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }

        try writer.recordDurably(.accessDecision(context, result: .allowed))
        #expect(writer.isHealthy)
    }

    @Test func eventsQueuedWhileTheStoreFailsAreWrittenWhenItRecovers() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath, options: Self.quick)
        let writer = store.makeWriter()
        #expect(chmod(directory.databasePath, 0o400) == 0)
        for index in 0..<100 { writer.record(AuditEvent(kind: .authAttempt, connectionID: "c-\(index)")) }
        // Let the writer fail a few times, with back-off.
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!writer.isHealthy)
        #expect(try store.eventCount() == 0)
        #expect(chmod(directory.databasePath, 0o600) == 0)
        #expect(writer.close() == 0)
        #expect(try store.eventCount() == 100)
        #expect(writer.statistics.failedCommits > 0)
    }

    @Test func aDeletedDatabaseIsNotSilentlyWrittenIntoTheVoid() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath, options: Self.quick)
        let writer = store.makeWriter()
        defer { writer.close() }
        try writer.recordDurably(AuditEvent(kind: .gatewayStart))
        try FileManager.default.removeItem(atPath: directory.databasePath)
        #expect(throws: AuditError.fileReplaced(path: directory.databasePath)) {
            try writer.recordDurably(AuditEvent(kind: .connectionOpen, connectionID: "c-1"))
        }
    }

    @Test func closeGivesUpOnAStoreThatNeverRecoversAndSaysHowManyEventsWereLost() throws {
        let directory = try TemporaryDirectory()
        var options = Self.quick
        options.closeTimeoutSeconds = 0.2
        let store = try AuditStore.open(path: directory.databasePath, options: options)
        let writer = store.makeWriter()
        #expect(chmod(directory.databasePath, 0o400) == 0)
        writer.record(AuditEvent(kind: .gatewayStop))
        #expect(writer.close() == 1)
    }

    @Test func errorMessagesSayWhatToDo() {
        #expect(AuditError.readOnly(path: "/var/lib/tracegate/audit.db").description.contains("chmod u+w"))
        #expect(AuditError.diskFull(path: "x").description.contains("free space"))
        #expect(AuditError.locked(path: "x").description.contains("fuser"))
    }
}
