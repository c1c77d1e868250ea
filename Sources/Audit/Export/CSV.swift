import Foundation

/// CSV lines as RFC 4180 reads them (quotes doubled, fields with separators quoted), with LF
/// line ends.
///
/// Text cells beginning with `=`, `+`, `-`, `@` or a tab are prefixed with `'`: a spreadsheet
/// would run them as formulas, and these cells hold what clients typed (command lines,
/// usernames), so an attacker could otherwise plant a formula in the auditor's spreadsheet.
/// Numbers are never prefixed; the JSON format carries every value untouched.
enum CSV {
    static func line(_ values: [AuditValue]) -> String {
        values.map(field).joined(separator: ",")
    }

    private static func field(_ value: AuditValue) -> String {
        var text = ExportText.plain(value)
        if case .string = value, let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// One JSON object per line, keys in column order, values as stored (JSON columns nested).
enum JSONLines {
    static func line(for record: AuditRecord) -> String {
        let members = zip(record.columns, record.values).map { column, value in
            CanonicalJSON.encode(.string(column)) + ":" + CanonicalJSON.encode(value)
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// The CSV line of the listings, for other modules' exports (the postmortem bundle).
package enum CSVText {
    package static func line(_ values: [AuditValue]) -> String { CSV.line(values) }
}
