internal import GRDB
import Foundation

/// Lines of one session for the full-text index: what the terminal showed, or the command an
/// exec session ran.
package struct SessionTextLines: Sendable, Hashable {
    package enum Source: String, Sendable {
        case output
        case command
        /// A file-ledger entry: `upload /tmp/app.tar`, so that `audit search` finds paths.
        case file
    }

    package var sessionID: String
    package var connectionID: String
    package var source: Source
    package var lines: [String]

    package init(sessionID: String, connectionID: String, source: Source, lines: [String]) {
        self.sessionID = sessionID
        self.connectionID = connectionID
        self.source = source
        self.lines = lines
    }
}

/// Writes lines into `session_lines` and its FTS5 index `session_text`, inside the writer's
/// transaction (see migrations/0004_create_session_text_search.sql).
enum SessionTextIndex {
    static func insert(_ batches: [SessionTextLines], in db: Database) throws {
        let line = try db.cachedStatement(
            sql: "INSERT INTO session_lines (session_id, connection_id, source, line) VALUES (?, ?, ?, ?)")
        // External content: the index is told the same rowid and text explicitly.
        let index = try db.cachedStatement(sql: "INSERT INTO session_text (rowid, line) VALUES (?, ?)")
        for batch in batches {
            for text in batch.lines where !text.isEmpty {
                // SQLite text may hold NUL, but FTS5 would stop tokenizing there; a terminal's
                // NUL is never meaningful text.
                let clean = text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "") : text
                try RawStatement.execute(line, [
                    batch.sessionID.databaseValue, batch.connectionID.databaseValue,
                    batch.source.rawValue.databaseValue, clean.databaseValue,
                ], in: db)
                try RawStatement.execute(index, [db.lastInsertedRowID.databaseValue, clean.databaseValue], in: db)
            }
        }
    }
}
