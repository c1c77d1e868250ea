/// The rows of one result, every value as text (libpq's text format) or nil for NULL.
package struct PostgresRows: Sendable, Hashable {
    package var columns: [String]
    package var rows: [[String?]]
    /// Rows an INSERT, UPDATE or DELETE touched (`PQcmdTuples`); 0 for a SELECT.
    package var affected: Int
    /// Each column's type OID (`PQftype`): which text is a number when a row becomes a record.
    package var types: [UInt32] = []

    package init(columns: [String], rows: [[String?]], affected: Int, types: [UInt32] = []) {
        self.columns = columns
        self.rows = rows
        self.affected = affected
        self.types = types
    }

    /// The first column of the first row, when there is one and it is not NULL.
    package var scalar: String? { rows.first?.first ?? nil }
}
