import Foundation
internal import GRDB

/// One row of a listing, with its column names: what the table, JSON and CSV renderers print.
/// Columns holding JSON (`details`, `target_labels`, `env`) are decoded into objects, so that
/// JSON output nests them instead of quoting them.
package struct AuditRecord: Sendable, Hashable {
    package let columns: [String]
    package let values: [AuditValue]

    package init(columns: [String], values: [AuditValue]) {
        self.columns = columns
        self.values = values
    }

    package subscript(column: String) -> AuditValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    package static let jsonColumns: Set<String> = ["details", "target_labels", "env"]

    init(row: Row, columns: [String]) {
        self.columns = columns
        self.values = columns.indices.map { index in
            AuditRecord.value(row[index] as DatabaseValue, isJSON: AuditRecord.jsonColumns.contains(columns[index]))
        }
    }

    private static func value(_ databaseValue: DatabaseValue, isJSON: Bool) -> AuditValue {
        switch databaseValue.storage {
        case .null: return .null
        case .int64(let integer): return .integer(integer)
        case .double(let real): return .double(real)
        case .string(let text):
            if isJSON, let object = AuditValueDecoding.object(fromJSON: text) { return .object(object) }
            return .string(text)
        case .blob(let data): return .string(data.map { String(format: "%02x", $0) }.joined())
        }
    }
}
