import Audit

/// A user's own recent sessions, from the audit trail, for the gateway shell.
enum RecentSessions {
    static func lines(for user: String, in store: AuditStore, limit: Int = 10) -> [String] {
        guard let records = try? store.records(in: .sessions, matching: AuditFilter(user: user, limit: limit)) else {
            return ["(the audit trail cannot be read right now)"]
        }
        return records.map { record in
            let opened = record["opened_at"].flatMap(time) ?? "-"
            let what = record["command"]?.stringValue ?? record["subsystem"]?.stringValue
                ?? record["channel_type"]?.stringValue ?? "-"
            let fields = [opened, record["session_id"]?.stringValue ?? "-",
                          "\(record["login"]?.stringValue ?? "-")@\(record["target"]?.stringValue ?? "-")",
                          record["result"]?.stringValue ?? "open", what]
            return fields.joined(separator: "  ")
        }
    }

    private static func time(_ value: AuditValue) -> String? {
        switch value {
        case .integer(let microseconds): AuditTimestamp(microsecondsSinceEpoch: microseconds).description
        case .string(let text): text
        default: nil
        }
    }
}
