internal import GRDB
// GRDB's own SQLite module (a product of GRDB.swift, reached through the GRDB dependency).
internal import GRDBSQLite

/// Binding and running a prepared statement with SQLite's C API, for the writer's hot path.
///
/// Why not `Statement.execute(arguments:)`: building `StatementArguments` goes through
/// generic key-path machinery for every value, and on the writer thread that cost more than
/// SQLite's own work on the row. GRDB still prepares, caches and finalizes the statement; this
/// only binds, steps and resets it, as GRDB's `sqliteStatement` is documented to allow.
enum RawStatement {
    /// SQLite copies bound text and blobs before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    static func execute(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws {
        let handle = statement.sqliteStatement
        try bind(values, to: statement, in: db)
        let code = sqlite3_step(handle)
        // Reset at once, so that the statement holds no lock or cursor between uses.
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code, statement, in: db) }
    }

    private static func bind(_ values: [DatabaseValue], to statement: Statement, in db: Database) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .int64(let integer):
                code = sqlite3_bind_int64(handle, index, integer)
            case .double(let real):
                code = sqlite3_bind_double(handle, index, real)
            case .string(let text):
                // With an explicit byte count; `StoredEvent` has already replaced any NUL.
                var text = text
                code = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { characters in
                        // An empty buffer may have no address, and a null pointer binds SQL NULL.
                        guard let start = characters.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                        return sqlite3_bind_text(handle, index, start, Int32(characters.count), transient)
                    }
                }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code, statement, in: db) }
        }
    }

    /// The first row of `statement` run with `values`, or `nil`; text is read with its byte
    /// count, so it comes back exactly as bound.
    static func fetchFirstRow(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws -> [DatabaseValue]? {
        let handle = statement.sqliteStatement
        try bind(values, to: statement, in: db)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw failure(code, statement, in: db) }
        return (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                return sqlite3_column_int64(handle, column).databaseValue
            case SQLITE_FLOAT:
                return sqlite3_column_double(handle, column).databaseValue
            case SQLITE_TEXT, SQLITE_BLOB:
                guard let bytes = sqlite3_column_blob(handle, column) else { return "".databaseValue }
                let buffer = UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
                return String(decoding: buffer, as: UTF8.self).databaseValue
            default:
                return .null
            }
        }
    }

    private static func failure(_ code: Int32, _ statement: Statement, in db: Database) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}
