/// One file of `migrations/`, compiled in (Store/EmbeddedMigrations/, from scripts/generate-migrations.sh).
package struct Migration: Sendable, Hashable {
    /// e.g. `0002_create_connections_and_sessions.sql`
    package var fileName: String
    package var sql: String

    package init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
    }

    /// The leading `NNNN` of the file name; it becomes the database's `user_version` once
    /// applied. `nil` if the name does not start with digits followed by `_`.
    package var number: Int? {
        let digits = fileName.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, fileName.dropFirst(digits.count).first == "_" else { return nil }
        return Int(digits)
    }

    /// Why `migrations` cannot be applied as a ladder, or `nil` if numbers are present,
    /// unique and strictly increasing in order.
    package static func orderingProblem(in migrations: [Migration]) -> String? {
        var previous = 0
        for migration in migrations {
            guard let number = migration.number else {
                return "\(migration.fileName) does not start with a number and an underscore (NNNN_name.sql)"
            }
            guard number > previous else {
                return "\(migration.fileName) is numbered \(number), not above the previous \(previous)"
            }
            previous = number
        }
        return nil
    }
}
