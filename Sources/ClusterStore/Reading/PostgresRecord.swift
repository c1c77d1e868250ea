import Audit

/// A PostgreSQL row as the listings' renderers take it: libpq hands every value over as
/// text, so the column's type says which text is a number, and the JSON columns are decoded
/// as on SQLite. The same row prints the same whichever engine it came from.
enum PostgresRecord {
    private static let integerTypes: Set<UInt32> = [20, 21, 23]  // int8, int2, int4
    private static let realTypes: Set<UInt32> = [700, 701, 1700]  // float4, float8, numeric

    static func make(_ header: PostgresRows, _ row: [String?]) -> AuditRecord {
        let values = row.indices.map { index -> AuditValue in
            guard let text = row[index] else { return .null }
            let type = index < header.types.count ? header.types[index] : 0
            if integerTypes.contains(type), let integer = Int64(text) { return .integer(integer) }
            if realTypes.contains(type), let real = Double(text) { return .double(real) }
            if AuditRecord.jsonColumns.contains(header.columns[index]),
               let object = AuditValueDecoding.object(fromJSON: text) {
                return .object(object)
            }
            return .string(text)
        }
        return AuditRecord(columns: header.columns, values: values)
    }
}
