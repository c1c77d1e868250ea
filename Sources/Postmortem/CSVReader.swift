/// RFC 4180 records from text as `CSVText` writes it (quoted fields may hold commas, quotes
/// and line breaks), for the verifier's cross-checks.
enum CSVReader {
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    let following = next()
                    if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",": record.append(field); field = ""
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            case "\r": continue
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// The values of `column` in each data row, with the line (1-based, header is 1) of each.
    static func column(_ column: String, in text: String) -> [String]? {
        let records = records(text)
        guard let header = records.first, let index = header.firstIndex(of: column) else { return nil }
        return records.dropFirst().map { index < $0.count ? $0[index] : "" }
    }
}
