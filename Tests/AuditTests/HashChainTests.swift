import Foundation
import GRDB
import Testing
@testable import Audit

/// Tampering is done with the `sqlite3` shell on the real file, as someone with access to the
/// file would do it: our code plays no part in the damage, only in finding it.
@Suite("Hash chain and tampering")
struct HashChainTests {
    /// A store holding three complete connections (7 + 4 + 3 = 14 events).
    static func populatedStore(_ directory: TemporaryDirectory) throws -> AuditStore {
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll(
            EventFixtures.allowedExec("c-000000000001")
                + EventFixtures.denied("c-000000000002")
                + EventFixtures.unknownKey("c-000000000003"))
        return store
    }

    @Test func anUntouchedChainVerifiesWithCountAndHead() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        let head = try #require(try store.headHash())
        let result = try store.verifyChain()
        #expect(result == .intact(count: 14, head: head))
        #expect(result.description == "OK 14 events, head \(head)")
    }

    @Test func anEmptyTrailVerifies() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        #expect(try store.verifyChain() == .intact(count: 0, head: nil))
    }

    @Test func eachEventLinksToThePreviousOne() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        let rows = try store.read { db in try Row.fetchAll(db, sql: "SELECT prev_hash, hash FROM events ORDER BY id") }
        #expect(rows.first?[0] == HashChain.genesis)
        for (previous, next) in zip(rows, rows.dropFirst()) {
            #expect((next[0] as String) == (previous[1] as String))
        }
    }

    @Test func textAClientControlsCannotBreakTheChain() throws {
        // A NUL would be cut by SQLite readers and make the row look edited; empty strings must
        // stay empty strings, not NULL.
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let context = AuditContext(connectionID: "c-00000000000e", clientVersion: "SSH-2.0-evil\u{0}client", login: "")
        store.writeAll([
            .connectionOpen(context),
            .accessDecision(context, result: .denied, reason: "quote ' and \" and \\ and é and 🦆"),
            .channelOpen(context, sessionID: "s-1", channel: ChannelDescription(type: .exec, command: "echo \u{0}; rm -rf /")),
        ])
        #expect(try store.verifyChain().isIntact)
        let row = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT client_version, login FROM events WHERE id = 1")
        }
        #expect(row?["client_version"] == "SSH-2.0-evil\u{FFFD}client")
        #expect(row?["login"] == "")
    }

    @Test func theTriggersRefuseAnOrdinaryUpdateOrDelete() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.populatedStore(directory)
        let update = try SQLiteShell.run(directory.databasePath, "UPDATE events SET user = 'mallory' WHERE id = 5;")
        #expect(update.status != 0)
        #expect(update.standardError.contains("append-only"))
        let delete = try SQLiteShell.run(directory.databasePath, "DELETE FROM events WHERE id = 5;")
        #expect(delete.standardError.contains("append-only"))
    }

    @Test func anEditedRowIsNamed() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET user = 'mallory' WHERE id = 5;
            """)
        let result = try store.verifyChain()
        #expect(result == .broken(eventID: 5, reason: "its contents do not match its hash: the row was edited"))
        #expect(result.description.hasPrefix("BROKEN at event 5:"))
    }

    @Test func anEditWhoseHashWasRecomputedIsCaughtAtTheNextRow() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        var forged = try store.read { db in
            try StoredEvent(row: Row.fetchOne(db, sql: "SELECT \(StoredEvent.selection) FROM events WHERE id = 5")!)
        }
        forged.reason = "nothing to see"
        forged.hash = HashChain.hash(of: forged.canonicalFields)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET reason = 'nothing to see', hash = '\(forged.hash)' WHERE id = 5;
            """)
        let result = try store.verifyChain()
        guard case .broken(let eventID, let reason) = result else {
            Issue.record("verify passed a forged row")
            return
        }
        #expect(eventID == 6)
        #expect(reason.contains("prev_hash does not match the hash of event 5"))
    }

    @Test func aDeletedRowIsNamed() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_delete;
            DELETE FROM events WHERE id = 5;
            """)
        let result = try store.verifyChain()
        #expect(result == .broken(eventID: 6, reason:
            "1 event(s) before it are missing (expected id 5): rows were deleted"))
    }

    @Test func aDeletedRowWithLaterIdsRenumberedIsNamed() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_delete;
            DROP TRIGGER events_are_append_only_update;
            DELETE FROM events WHERE id = 5;
            UPDATE events SET id = -id WHERE id > 5;
            UPDATE events SET id = -id - 1 WHERE id < 0;
            """)
        guard case .broken(let eventID, _) = try store.verifyChain() else {
            Issue.record("verify passed a renumbered chain")
            return
        }
        #expect(eventID == 5)
    }

    @Test func twoSwappedRowsAreNamed() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET id = -1 WHERE id = 5;
            UPDATE events SET id = 5 WHERE id = 6;
            UPDATE events SET id = 6 WHERE id = -1;
            """)
        let result = try store.verifyChain()
        #expect(result == .broken(eventID: 5, reason:
            "prev_hash does not match the hash of event 4: an event was deleted, inserted or moved here"))
    }

    @Test func aTruncatedTailIsCaughtByAKeptHeadHash() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        let keptHead = try #require(try store.headHash())
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_delete;
            DELETE FROM events WHERE id >= 13;
            """)
        // The shorter chain is internally valid...
        #expect(try store.verifyChain() == .intact(count: 12, head: try store.headHash()))
        // ...but it no longer passes through the head the other organisation kept.
        let result = try ChainVerifier(expectedHashes: [keptHead]).verify(store)
        #expect(result == .broken(eventID: 12, reason:
            "the chain ends here without passing through expected hash \(keptHead): later events were removed or replaced"))
    }

    @Test func progressIsReportedWhileWalking() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        let reports = ProgressLog()
        var verifier = ChainVerifier(progress: { checked, total in reports.append((checked, total)) })
        verifier.progressInterval = 5
        #expect(try verifier.verify(store).isIntact)
        #expect(reports.values.map(\.0) == [5, 10, 14])
        #expect(reports.values.allSatisfy { $0.1 == 14 })
    }

    @Test func appendingAfterTamperingDoesNotHideIt() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.populatedStore(directory)
        try tamper(directory, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET result = 'allowed' WHERE id = 10;
            """)
        store.writeAll(EventFixtures.unknownKey("c-000000000004"))
        guard case .broken(let eventID, _) = try store.verifyChain() else {
            Issue.record("new events laundered an edited row")
            return
        }
        #expect(eventID == 10)
    }

    private func tamper(_ directory: TemporaryDirectory, _ sql: String) throws {
        let output = try SQLiteShell.run(directory.databasePath, sql)
        #expect(output.status == 0, "sqlite3: \(output.standardError)")
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Int64, Int64)] = []
    func append(_ entry: (Int64, Int64)) { lock.withLock { entries.append(entry) } }
    var values: [(Int64, Int64)] { lock.withLock { entries } }
}
