import Audit

/// The statements that copy a node's query-table rows into PostgreSQL: one multi-row INSERT
/// per chunk, keyed by `(node, key)`. A row shipped again replaces the stored one whole (its
/// later state: closed, bytes counted, exit status); lines of the search index never change,
/// so a second copy of one is simply skipped.
enum ProjectionUpsert {
    /// Rows per statement: the widest table has 34 columns, so 1 000 rows stay far below
    /// PostgreSQL's 65 535 parameters.
    static let chunkSize = 1_000

    static func statements(node: String, rows: ProjectionRows) -> [(sql: String, parameters: [String?])] {
        let table = rows.table
        let columns = ["node"] + table.columns
        let quoted = columns.map(PostgresEventColumns.quoted).joined(separator: ", ")
        let conflict: String
        if table == .sessionLines {
            conflict = "DO NOTHING"
        } else {
            let updates = table.columns.filter { $0 != table.key }.map(PostgresEventColumns.quoted)
                .map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            conflict = "DO UPDATE SET " + updates
        }
        var statements: [(sql: String, parameters: [String?])] = []
        var start = 0
        while start < rows.rows.count {
            let chunk = rows.rows[start..<min(start + chunkSize, rows.rows.count)]
            var parameters: [String?] = []
            parameters.reserveCapacity(chunk.count * columns.count)
            var values: [String] = []
            for row in chunk {
                let first = parameters.count
                parameters.append(node)
                parameters.append(contentsOf: row)
                values.append("(" + (first + 1...parameters.count).map { "$\($0)" }.joined(separator: ", ") + ")")
            }
            statements.append((
                "INSERT INTO \(table.name) (\(quoted)) VALUES \(values.joined(separator: ", "))"
                    + " ON CONFLICT (node, \(table.key)) \(conflict)",
                parameters))
            start += chunkSize
        }
        return statements
    }
}
