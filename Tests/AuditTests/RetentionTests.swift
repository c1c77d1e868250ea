import Foundation
import GRDB
import Testing
@testable import Audit

/// `tracegate audit prune`: old events and what they describe go, a checkpoint records where
/// the remaining chain starts, `verify` proves the rest continues from it, and tampering
/// after a prune is still found.
@Suite("Retention: prune behind a checkpoint")
struct RetentionTests {
    static let old = EventFixtures.base                      // 2025-03-14
    static let cutoff = AuditTimestamp(year: 2025, month: 6, day: 1, hour: 0)!
    static let recent = AuditTimestamp(year: 2025, month: 9, day: 1, hour: 12)!

    /// Two old connections (7 + 4 events) then two recent ones (7 + 3), with searchable lines.
    static func store(_ directory: TemporaryDirectory) throws -> AuditStore {
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        for event in EventFixtures.allowedExec("c-00000000000a", at: old)
            + EventFixtures.denied("c-00000000000b", at: old.adding(microseconds: 60_000_000))
            + EventFixtures.allowedExec("c-00000000000c", at: recent)
            + EventFixtures.unknownKey("c-00000000000d", at: recent.adding(microseconds: 60_000_000)) {
            writer.record(event)
        }
        writer.indexText(SessionTextLines(sessionID: "s-00000000000a", connectionID: "c-00000000000a",
                                          source: .output, lines: ["ancient secret output"]))
        writer.indexText(SessionTextLines(sessionID: "s-00000000000c", connectionID: "c-00000000000c",
                                          source: .output, lines: ["recent visible output"]))
        writer.close()
        return store
    }

    static func prune(_ store: AuditStore, stepSize: Int64 = 2_000) throws -> PruneReport {
        var pruner = AuditPruner(store: store)
        pruner.stepSize = stepSize
        return try pruner.prune(olderThan: cutoff) { (event) throws(AuditError) in
            let writer = store.makeWriter()
            defer { writer.close() }
            try writer.recordDurably(event)
        }
    }

    @Test(arguments: [2_000, 3] as [Int64])
    func pruneRemovesTheOldAndVerifyStartsAtTheCheckpoint(stepSize: Int64) throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        let eleventh = try store.read { db in try String.fetchOne(db, sql: "SELECT hash FROM events WHERE id = 11") }

        let report = try Self.prune(store, stepSize: stepSize)
        #expect(report.removedEvents == 11 && report.removedConnections == 2 && report.removedSessions == 1, "\(report)")
        #expect(report.anchor == ChainHead(id: 11, hash: try #require(eleventh)))

        let remaining = try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM events ORDER BY id") }
        #expect(remaining == Array(12...22), "10 recent events and the audit.prune announcement")
        let connections = try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM connections ORDER BY id") }
        #expect(connections == ["c-00000000000c", "c-00000000000d"])
        let lines = try store.read { db in try String.fetchAll(db, sql: "SELECT line FROM session_lines") }
        #expect(lines == ["recent visible output"])
        // The full-text index forgot the removed lines too (external content: it must be told).
        let hits = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session_text WHERE session_text MATCH 'ancient'")
        }
        #expect(hits == 0)

        let verification = try store.verifyChain()
        #expect(verification.isIntact, "\(verification)")
        let checkpoints = try store.read { db in try ChainCheckpoint.all(in: db) }
        #expect(checkpoints.last?.lastRemovedID == 11 && checkpoints.reduce(0) { $0 + $1.removedCount } == 11)
        #expect(checkpoints.count == (stepSize == 3 ? 4 : 1))
        let announcement = try store.read { db in try Row.fetchOne(db, sql: "SELECT details FROM events WHERE kind = 'audit.prune'") }
        let details = try #require(announcement?["details"] as String?)
        let anchorHash = try #require(eleventh)
        #expect(details.contains("\"anchor_id\":11") && details.contains("\"removed_count\":11") && details.contains(anchorHash))
    }

    @Test func aSecondPruneContinuesFromTheFirstAndNothingOldIsANoOp() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        _ = try Self.prune(store)
        let again = try Self.prune(store)
        #expect(again.anchor == nil && again.removedEvents == 0, "\(again)")
        #expect(try store.eventCount() == 11, "no second announcement when there is nothing to remove")
        #expect(try store.verifyChain().isIntact)
    }

    @Test func anEditAfterThePruneIsFound() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        _ = try Self.prune(store)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET user = 'mallory' WHERE id = 14;
            """)
        guard case .broken(let eventID, let reason) = try store.verifyChain() else {
            Issue.record("an edited row after a prune verified")
            return
        }
        #expect(eventID == 14 && reason.contains("edited"), "\(reason)")
    }

    @Test func removingTheFirstRemainingEventIsFoundEvenWithAForgedCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        _ = try Self.prune(store)
        // The guard still stands for every event the trail vouches for.
        let refused = try SQLiteShell.run(directory.databasePath, "DELETE FROM events WHERE id = 12;")
        #expect(refused.status != 0 && refused.standardError.contains("append-only"), "\(refused.standardError)")

        // A capable attacker removes event 12 and writes a well-formed checkpoint claiming it.
        let twelfth = try #require(try store.read { db in try Row.fetchOne(db, sql: "SELECT hash, time FROM events WHERE id = 12") })
        let previous = try #require(try store.read { db in try ChainCheckpoint.latest(in: db) })
        let forged = ChainCheckpoint(id: previous.id + 1, createdAt: previous.createdAt, cutoff: previous.cutoff,
                                     firstRemovedID: 12, lastRemovedID: 12, anchorHash: twelfth["hash"],
                                     oldestRemovedTime: twelfth["time"], newestRemovedTime: twelfth["time"],
                                     previousHash: previous.hash)
        try tamper(directory, """
            INSERT INTO chain_checkpoints VALUES (\(forged.id), '\(forged.createdAt)', '\(forged.cutoff)', 12, 12,
              '\(forged.anchorHash)', 1, '\(forged.oldestRemovedTime)', '\(forged.newestRemovedTime)', '\(forged.previousHash)', '\(forged.hash)');
            DELETE FROM events WHERE id = 12;
            """)
        let verification = try store.verifyChain()
        guard case .broken(_, let reason) = verification else {
            Issue.record("a removal no audit.prune announced verified")
            return
        }
        #expect(reason.contains("beyond what any audit.prune event announced"), "\(reason)")
    }

    @Test func anEditedCheckpointIsFound() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        _ = try Self.prune(store)
        try tamper(directory, """
            DROP TRIGGER chain_checkpoints_are_append_only_update;
            UPDATE chain_checkpoints SET removed_count = 3 WHERE id = 1;
            """)
        #expect(!(try store.verifyChain().isIntact))
    }

    @Test func durableWritesGoOnWhileAPruneRuns() async throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        // 600 old connections: a prune of 4,200 events in steps of 50, with a writer busy meanwhile.
        store.writeAll((0..<600).flatMap { index in
            EventFixtures.allowedExec(String(format: "c-%012x", index), at: Self.old.adding(microseconds: Int64(index) * 10_000_000))
        })
        let writer = store.makeWriter()
        let pruning = Task.detached { try Self.prune(store, stepSize: 50) }
        var failures = 0
        for index in 0..<200 {
            do {
                try writer.recordDurably(.auditQuery(user: "t", uid: 0, command: "during-prune-\(index)", filter: [:]))
            } catch {
                failures += 1
            }
        }
        let report = try await pruning.value
        writer.close()
        #expect(failures == 0)
        #expect(report.removedEvents == 4_200, "\(report)")
        #expect(try store.verifyChain().isIntact)
    }

    private func tamper(_ directory: TemporaryDirectory, _ sql: String) throws {
        let output = try SQLiteShell.run(directory.databasePath, sql)
        #expect(output.status == 0, "sqlite3: \(output.standardError)")
    }
}

extension RetentionTests {
    @Test func aStoppedPruneLeavesAVerifiableTrailAndTheNextOneFinishes() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(directory)
        let steps = StepCounter()
        var pruner = AuditPruner(store: store)
        pruner.stepSize = 3
        pruner.shouldContinue = { steps.next() <= 2 }
        let announce: (AuditEvent) throws(AuditError) -> Void = { event in
            let writer = store.makeWriter()
            defer { writer.close() }
            try writer.recordDurably(event)
        }
        let partial = try pruner.prune(olderThan: Self.cutoff, announce: announce)
        #expect(partial.removedEvents == 6 && partial.anchor?.id == 6, "\(partial)")
        #expect(try store.verifyChain().isIntact)
        pruner.shouldContinue = { true }
        let rest = try pruner.prune(olderThan: Self.cutoff, announce: announce)
        #expect(rest.removedEvents == 5 && rest.anchor?.id == 11, "\(rest)")
        #expect(try store.verifyChain().isIntact)
    }
}

private final class StepCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
