import Audit
import ClusterStore
import Foundation
import Testing

/// The PostgreSQL schema reaches the binary compiled in, like the SQLite one: the embedded
/// list must equal `migrations/postgresql/*.sql` byte for byte, numbered without repeats.
@Suite struct PostgresMigrationsTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations/postgresql")

    static func sqlFiles() throws -> [(name: String, sql: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { name in (name, try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) }
    }

    @Test func embeddedSQLEqualsTheFilesInMigrationsPostgresql() throws {
        let files = try Self.sqlFiles()
        #expect(!files.isEmpty)
        #expect(Migration.postgreSQL.map(\.fileName) == files.map(\.name),
                "run scripts/generate-migrations.sh: the embedded list differs from migrations/postgresql/")
        for (embedded, file) in zip(Migration.postgreSQL, files) {
            #expect(embedded.sql == file.sql, "run scripts/generate-migrations.sh: \(file.name) differs from its embedded copy")
        }
    }

    @Test func migrationNumbersAreUniqueAndIncreasing() {
        #expect(Migration.orderingProblem(in: Migration.postgreSQL) == nil)
    }
}
