internal import CLibPQ
import Foundation

/// One libpq connection: the whole C boundary of the cluster store. Statements are sent with
/// `PQexecParams` in text format, values as parameters (never spliced into SQL), and results
/// come back as `PostgresRows`. libpq blocks, so a connection belongs to one thread at a time
/// (the shipper's own thread, or a command's main thread), never to Swift's cooperative pool:
/// the type is deliberately not `Sendable`.
package final class PostgresConnection {
    /// Internal, not private: `PostgresConnection+Notifications` reads it too (LISTEN needs the socket).
    let handle: OpaquePointer

    /// Connects, or throws the server's reason (refused, timed out, authentication failed).
    package init(_ endpoint: PostgresEndpoint) throws(PostgresError) {
        // `dbname` first, as a URI that libpq expands (expand_dbname = 1); the keywords after it
        // override what the URI says. The password travels as its own keyword, never in the URI.
        // Keepalives and a TCP user timeout: a server that vanishes without a reset (a partition,
        // a dead host) must fail the blocked call within the endpoint's bound (half a minute
        // for the shipper, less where someone waits at a prompt), not hang the caller.
        var keywords = ["dbname", "connect_timeout", "application_name", "client_encoding",
                        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"]
        var values = [endpoint.url, String(endpoint.connectTimeoutSeconds), "tracegate", "UTF8",
                      "1", "10", "5", "3", String(endpoint.tcpUserTimeoutMilliseconds)]
        if let password = endpoint.password {
            keywords.append("password")
            values.append(password)
        }
        let connection = CStrings.with(keywords) { keywordPointers in
            CStrings.with(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw .connectionFailed("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(connection))
            PQfinish(connection)
            throw .connectionFailed(message)
        }
        // Notices ("relation … already exists, skipping") would go to standard error by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection still works as far as libpq knows (it learns of a dead server
    /// on the next statement).
    package var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with `$1, $2, …` bound to `parameters` (nil: NULL).
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        let result = CStrings.with(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs a script of several statements without parameters (a migration file).
    package func executeScript(_ sql: String) throws(PostgresError) {
        try consume(PQexec(handle, sql))
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // On a lost connection the rollback fails too; the server rolls back by itself.
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Streams the rows of `sql` to `body` in batches of `batchSize`, through a cursor in one
    /// transaction (one snapshot), so that a million-row chain never sits in memory at once.
    package func forEachRow(
        _ sql: String, _ parameters: [String?] = [], batchSize: Int = 5_000,
        _ body: (_ columns: [String], _ row: [String?]) throws -> Void
    ) throws {
        try forEachTypedRow(sql, parameters, batchSize: batchSize) { header, row in try body(header.columns, row) }
    }

    /// The same, with each batch's columns and their types (`rows` empty) beside each row.
    package func forEachTypedRow(
        _ sql: String, _ parameters: [String?] = [], batchSize: Int = 5_000,
        _ body: (_ header: PostgresRows, _ row: [String?]) throws -> Void
    ) throws {
        try transaction {
            try forEachTypedRowInTransaction(sql, parameters, batchSize: batchSize, body)
        }
    }

    /// The same inside the caller's `transaction` (a cursor needs one), so that several reads
    /// share its snapshot (`audit bundle` reads every node's part in one REPEATABLE READ).
    package func forEachTypedRowInTransaction(
        _ sql: String, _ parameters: [String?] = [], batchSize: Int = 5_000,
        _ body: (_ header: PostgresRows, _ row: [String?]) throws -> Void
    ) throws {
        try execute("DECLARE tracegate_rows NO SCROLL CURSOR FOR " + sql, parameters)
        while true {
            var batch = try execute("FETCH FORWARD \(batchSize) FROM tracegate_rows")
            let rows = batch.rows
            batch.rows = []
            for row in rows { try body(batch, row) }
            if rows.count < batchSize { break }
        }
        try execute("CLOSE tracegate_rows")
    }

    /// Turns a result into rows or an error, and frees it.
    @discardableResult
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw .connectionLost(Self.message(PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = Self.message(PQresultErrorMessage(result))
            if PQstatus(handle) != CONNECTION_OK { throw .connectionLost(message) }
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw .statementFailed(sqlState: state, message: message)
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        let rowCount = Int(PQntuples(result))
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            rows.append((0..<Int32(columnCount)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        let types = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        return PostgresRows(columns: columns, rows: rows, affected: affected, types: types)
    }

    /// libpq's messages end with a newline and may span lines ("DETAIL: …"): one line for logs.
    private static func message(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "no message from libpq" }
        let text = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// NUL-terminated copies of Swift strings for the length of a C call.
private enum CStrings {
    static func with<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        // libpq's keyword and value arrays end with a NULL entry; parameter arrays ignore it.
        return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
    }

    static func with<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        with(strings.map { Optional($0) }, body)
    }
}
