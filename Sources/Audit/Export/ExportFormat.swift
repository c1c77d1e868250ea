/// How `tracegate audit` prints rows.
package enum ExportFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal; a narrower column set, times to the second.
    case table
    /// One JSON object per line, every column, in column order.
    case json
    /// A header line, then one line per row, every column.
    case csv
}

/// Renders records of one listing in one format, line by line to `output`. JSON and CSV
/// stream each row as it comes; a table must see every row to align them, so it holds them
/// until `finish()`.
package struct RecordRenderer {
    private let format: ExportFormat
    private let listing: AuditListing
    private let output: (String) -> Void
    private var table: TableRenderer?
    private var wroteHeader = false

    package init(format: ExportFormat, listing: AuditListing, output: @escaping (String) -> Void) {
        self.format = format
        self.listing = listing
        self.output = output
        if format == .table {
            table = TableRenderer(columns: listing.tableColumns, timeColumns: listing.timeColumns)
        }
    }

    package mutating func add(_ record: AuditRecord) {
        switch format {
        case .table:
            table?.add(record)
        case .json:
            output(JSONLines.line(for: record))
        case .csv:
            if !wroteHeader {
                output(CSV.line(listing.columns.map(AuditValue.string)))
                wroteHeader = true
            }
            output(CSV.line(record.values))
        }
    }

    /// Ends the output: the whole table, or the CSV header if there were no rows.
    package mutating func finish() {
        switch format {
        case .table:
            table?.render().forEach(output)
        case .json:
            break
        case .csv:
            if !wroteHeader { output(CSV.line(listing.columns.map(AuditValue.string))) }
        }
    }
}
