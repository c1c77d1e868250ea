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
    /// Text is bound in place (`SQLITE_STATIC`): SQLite reads it during the step without
    /// copying it first. The bytes live in one buffer per statement run (see `withBindings`).
    private static let inPlace: sqlite3_destructor_type? = nil

    static func execute(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws {
        try withBindings(values, to: statement, in: db) { handle in
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw failure(code, statement, in: db) }
        }
    }

    /// The first row of `statement` run with `values`, or `nil`; text is read with its byte
    /// count, so it comes back exactly as bound.
    static func fetchFirstRow(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws -> [DatabaseValue]? {
        try withBindings(values, to: statement, in: db) { handle in
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
    }

    /// Binds `values`, runs `body`, then resets the statement and clears its bindings before
    /// the text they point to is freed.
    ///
    /// Why one buffer: with `SQLITE_TRANSIENT` SQLite allocates and copies every text value
    /// before the step (a tenth of the writer's instructions, ~20 texts per event); here all
    /// the texts of a run are copied once into one temporary buffer (on the stack when small)
    /// and bound where they lie.
    private static func withBindings<Result>(
        _ values: [DatabaseValue], to statement: Statement, in db: Database,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var textBytes = 0
        for value in values { if case .string(let text) = value.storage { textBytes += text.utf8.count } }
        return try withUnsafeTemporaryAllocation(byteCount: max(textBytes, 1), alignment: 1) { arena in
            // Reset at once, so that the statement holds no lock, cursor or pointer into the arena.
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            var offset = 0
            for (position, value) in values.enumerated() {
                let index = Int32(position + 1)
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
                    // An empty text still needs a non-null pointer: a null one binds SQL NULL.
                    let start = arena.baseAddress! + offset
                    let count = text.utf8.withContiguousStorageIfAvailable { utf8 in
                        UnsafeMutableRawBufferPointer(start: start, count: utf8.count).copyMemory(from: UnsafeRawBufferPointer(utf8))
                        return utf8.count
                    } ?? copyNonContiguous(text, to: start)
                    code = sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(count), inPlace)
                    offset += count
                case .blob(let data):
                    code = data.withUnsafeBytes { bytes in
                        sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
                    }
                }
                guard code == SQLITE_OK else { throw failure(code, statement, in: db) }
            }
            return try body(handle)
        }
    }

    /// SQLite copies a blob before the call returns (`SQLITE_TRANSIENT`); the writer binds none.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// A bridged or otherwise non-contiguous string: copied through its UTF-8 view.
    private static func copyNonContiguous(_ text: String, to start: UnsafeMutableRawPointer) -> Int {
        var count = 0
        for byte in text.utf8 {
            start.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        return count
    }

    private static func failure(_ code: Int32, _ statement: Statement, in db: Database) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}
