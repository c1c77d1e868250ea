/// An aligned text table: upper-case headers, two spaces between columns, `-` for nothing.
/// Long cells are cut (with `…`) so that one long command line does not push every other
/// row off the screen; JSON and CSV always carry the full value.
struct TableRenderer {
    static let maximumCellWidth = 48

    private let columns: [String]
    private let timeColumns: Set<String>
    private var rows: [[String]] = []

    init(columns: [String], timeColumns: Set<String>) {
        self.columns = columns
        self.timeColumns = timeColumns
    }

    mutating func add(_ record: AuditRecord) {
        rows.append(columns.map { column in cell(record[column] ?? .null, isTime: timeColumns.contains(column)) })
    }

    func render() -> [String] {
        let headers = columns.map { $0.uppercased() }
        let widths = columns.indices.map { index in
            rows.reduce(headers[index].count) { max($0, $1[index].count) }
        }
        return ([headers] + rows).map { cells in
            cells.indices.map { index in
                index == cells.count - 1 ? cells[index] : cells[index].padding(to: widths[index])
            }.joined(separator: "  ")
        }
    }

    private func cell(_ value: AuditValue, isTime: Bool) -> String {
        let text: String
        switch value {
        case .null: return "-"
        case .string(let string):
            text = isTime ? AuditTimestamp(iso8601: string)?.iso8601Seconds ?? string : string
        default:
            text = ExportText.plain(value)
        }
        // Control characters (a newline in a command) would break the alignment.
        let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return flat.count > Self.maximumCellWidth ? String(flat.prefix(Self.maximumCellWidth - 1)) + "…" : flat
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// A value as plain text, for table and CSV cells.
enum ExportText {
    static func plain(_ value: AuditValue) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let integer): String(integer)
        case .double(let real): real.description
        case .string(let text): text
        case .array, .object: CanonicalJSON.encode(value)
        }
    }
}
