import Foundation
import GRDB
import Testing
@testable import Audit

@Suite("Migrations")
struct MigrationsTests {
    /// `migrations/` at the repository root, found from this file so the test runs from any
    /// working directory.
    static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations")

    static func sqlFiles() throws -> [(name: String, sql: String)] {
        try FileManager.default.contentsOfDirectory(atPath: migrationsDirectory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { name in (name, try String(contentsOf: migrationsDirectory.appendingPathComponent(name), encoding: .utf8)) }
    }

    @Test func embeddedSQLEqualsTheFilesInMigrationsDirectory() throws {
        let files = try Self.sqlFiles()
        #expect(!files.isEmpty)
        #expect(Migration.embedded.map(\.fileName) == files.map(\.name),
                "run scripts/generate-migrations.sh: the embedded list differs from migrations/")
        for (embedded, file) in zip(Migration.embedded, files) {
            #expect(embedded.sql == file.sql, "run scripts/generate-migrations.sh: \(file.name) differs from its embedded copy")
        }
    }

    @Test func migrationNumbersAreUniqueAndIncreasing() throws {
        #expect(Migration.orderingProblem(in: Migration.embedded) == nil)
        let numbers = try Self.sqlFiles().map { Migration(fileName: $0.name, sql: "").number }
        #expect(!numbers.contains(nil), "every file is named NNNN_name.sql")
        #expect(Set(numbers).count == numbers.count)
    }

    @Test func orderingProblemsAreNamed() {
        let duplicate = [Migration(fileName: "0001_a.sql", sql: ""), Migration(fileName: "0001_b.sql", sql: "")]
        #expect(Migration.orderingProblem(in: duplicate)?.contains("0001_b.sql") == true)
        let backwards = [Migration(fileName: "0002_a.sql", sql: ""), Migration(fileName: "0001_b.sql", sql: "")]
        #expect(Migration.orderingProblem(in: backwards) != nil)
        #expect(Migration.orderingProblem(in: [Migration(fileName: "create.sql", sql: "")]) != nil)
    }

    @Test func openingMigratesOnceAndReopeningChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let latest = Migration.embedded.last?.number
        #expect(try store.schemaVersion() == latest)
        store.writeAll([AuditEvent(kind: .gatewayStart)])
        let reopened = try AuditStore.open(path: directory.databasePath)
        #expect(try reopened.schemaVersion() == latest)
        #expect(try reopened.eventCount() == 1)
        let objects = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        }
        for name in ["events", "connections", "sessions", "connection_summary", "session_summary", "audit_query_log"] {
            #expect(objects.contains(name), "\(name) exists")
        }
    }

    @Test func aDatabaseFromANewerTracegateIsRefused() throws {
        let directory = try TemporaryDirectory()
        _ = try AuditStore.open(path: directory.databasePath)
        try SQLiteShell.run(directory.databasePath, "PRAGMA user_version = 999;")
        #expect(throws: AuditError.schemaTooNew(found: 999, supported: Migration.embedded.last?.number ?? 0)) {
            _ = try AuditStore.open(path: directory.databasePath)
        }
    }

    @Test func aFailingMigrationLeavesTheDatabaseAtThePreviousVersion() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("audit.db")
        let queue = try DatabaseQueue(path: path)
        let migrator = Migrator(migrations: [
            Migration(fileName: "0001_good.sql", sql: "CREATE TABLE a (x);"),
            Migration(fileName: "0002_bad.sql", sql: "CREATE TABLE b (x); THIS IS NOT SQL;"),
        ])
        #expect(throws: AuditError.self) { try queue.writeWithoutTransaction { db in try migrator.migrate(db) } }
        let state = try queue.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try db.tableExists("b"))
        }
        #expect(state.0 == 1)
        #expect(state.1 == false)
    }

    @Test func databaseIsPrivateToItsOwner() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll([AuditEvent(kind: .gatewayStart)])
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.databasePath)
        let directoryAttributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/state")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((directoryAttributes[.posixPermissions] as? Int) == 0o700)
    }

    // SQLite writes the log at COMMIT and `WALSync` fsyncs it before anyone is told (the
    // writer's tests check that a durable event waits for that sync).
    @Test func theWriterConnectionUsesWALAndLeavesTheSyncToWALSync() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let (synchronous, journal) = try store.pool.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(synchronous == 1, "1 is NORMAL")
        #expect(journal == "wal")
    }
}
