import Foundation

/// `tracegate audit show ID`: one connection as a reader wants it — who, from where, to what,
/// each authentication attempt, the decision, the upstream result, each session with its
/// command, exit status, bytes and recording, then every event in order.
package enum ConnectionReport {
    package static func text(_ detail: ConnectionDetail) -> [String] {
        let row = detail.connection
        func field(_ name: String) -> String? {
            guard let value = row[name], value != .null else { return nil }
            return ExportText.plain(value)
        }
        var lines = ["Connection \(field("connection_id") ?? "?")  [\(field("status") ?? "?")]"]
        func line(_ label: String, _ parts: String?...) {
            let text = parts.compactMap { $0 }.joined(separator: "  ")
            if !text.isEmpty { lines.append("  " + label.padding(to: 10) + text) }
        }
        line("node", field("node"))
        line("opened", field("opened_at"))
        line("closed", field("closed_at"), field("close_reason").map { "(\($0))" }, field("duration_ms").map(milliseconds))
        line("from", [field("source_address"), field("source_port")].compactMap { $0 }.joined(separator: ":"),
             field("client_version"))
        line("user", field("user"), field("organization").map { "(\($0))" })
        line("key", field("key_type"), field("key_fingerprint"))
        line("target", [field("login"), field("target")].compactMap { $0 }.joined(separator: "@"),
             field("target_owner").map { "owner \($0)" }, labels(row["target_labels"]))
        line("ticket", field("ticket"))
        line("result", field("result"), field("grant_name").map { "grant \($0)" }, field("reason"))
        line("upstream", field("upstream_result"), field("upstream_host_key").map { "host key \($0)" })
        line("traffic", "\(field("bytes_in") ?? "0") B in", "\(field("bytes_out") ?? "0") B out",
             "\(field("session_count") ?? "0") session(s)")

        let attempts = detail.events.filter { $0.kind == AuditEventKind.authAttempt.rawValue }
        if !attempts.isEmpty {
            lines.append("")
            lines.append("Authentication attempts")
            for attempt in attempts {
                lines.append("  " + [attempt.time, attempt.result ?? "-", attempt.keyType ?? "-", attempt.keyFingerprint ?? "-",
                                     attempt.user ?? "-", attempt.reason ?? ""].joined(separator: "  "))
            }
        }
        if !detail.sessions.isEmpty {
            lines.append("")
            lines.append("Sessions")
            for session in detail.sessions { lines.append(contentsOf: sessionLines(session)) }
        }
        if !detail.files.isEmpty {
            lines.append("")
            lines.append("Files")
            for file in detail.files { lines.append(fileLine(file)) }
        }
        lines.append("")
        lines.append("Events")
        for event in detail.events {
            let outcome = [event.result, event.reason].compactMap { $0 }.joined(separator: " ")
            let details = event.details == "{}" ? "" : event.details
            lines.append("  " + ["#\(event.id)", event.time, event.kind.padding(to: 16), event.sessionID ?? "", outcome, details]
                .filter { !$0.isEmpty }.joined(separator: "  "))
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
    }

    private static func sessionLines(_ session: AuditRecord) -> [String] {
        func field(_ name: String) -> String? {
            guard let value = session[name], value != .null else { return nil }
            return ExportText.plain(value)
        }
        let what: String? = switch field("channel_type") {
        case "exec": field("command").map { "command: \($0)" }
        case "subsystem": field("subsystem").map { "subsystem: \($0)" }
        case "direct-tcpip": [field("forward_host"), field("forward_port")].compactMap { $0 }.joined(separator: ":")
        default: field("pty_term").map { "pty \($0) \(field("pty_cols") ?? "?")x\(field("pty_rows") ?? "?")" }
        }
        var lines = ["  " + [field("session_id"), field("channel_type"), what].compactMap { $0 }.joined(separator: "  ")]
        let end: String = if let signal = field("exit_signal") {
            "signal \(signal)"
        } else if let status = field("exit_status") {
            "exit \(status)"
        } else {
            field("result") ?? "open"
        }
        lines.append("    " + [field("opened_at"), end, field("duration_ms").map(milliseconds),
                               "\(field("bytes_in") ?? "?") B in", "\(field("bytes_out") ?? "?") B out"]
            .compactMap { $0 }.joined(separator: "  "))
        if let path = field("recording_path") {
            lines.append("    recording " + [path, field("recording_size").map { "\($0) B" }, field("recording_sha256").map { "sha256 \($0)" }]
                .compactMap { $0 }.joined(separator: "  "))
        }
        if let review = field("break_glass_review") {
            lines.append("    BREAK-GLASS session, review item \(review)")
        }
        if let approver = field("approved_by") {
            lines.append("    approved by \(approver)" + (field("approval_id").map { " (request \($0))" } ?? ""))
        }
        return lines
    }

    /// One JSON object: the connection, its sessions and its events.
    package static func json(_ detail: ConnectionDetail) -> String {
        func object(_ record: AuditRecord) -> AuditValue {
            .object(Dictionary(zip(record.columns, record.values), uniquingKeysWith: { first, _ in first }))
        }
        return CanonicalJSON.encode(.object([
            "connection": object(detail.connection),
            "sessions": .array(detail.sessions.map(object)),
            "files": .array(detail.files.map(object)),
            "events": .array(detail.events.map { object($0.record) }),
        ]))
    }

    /// `  s-…  upload  /tmp/app.tar -> …  1048576 B  sha256 …  complete  ok`
    private static func fileLine(_ file: AuditRecord) -> String {
        func field(_ name: String) -> String? {
            guard let value = file[name], value != .null else { return nil }
            return ExportText.plain(value)
        }
        let path = [field("path"), field("second_path").map { "-> \($0)" }].compactMap { $0 }.joined(separator: " ")
        return "  " + [field("session_id"), field("protocol"), field("operation"), path, field("bytes").map { "\($0) B" },
                       field("sha256").map { "sha256 \($0)" }, field("ranges").map { "ranges \($0)" },
                       field("integrity"), field("status"), field("note")]
            .compactMap { $0 }.joined(separator: "  ")
    }

    private static func milliseconds(_ text: String) -> String {
        guard let value = Double(text) else { return text }
        return value < 1_000 ? "\(text) ms" : String(format: "%.1f s", value / 1_000)
    }

    private static func labels(_ value: AuditValue?) -> String? {
        guard let object = value?.objectValue, !object.isEmpty else { return nil }
        return "labels " + object.keys.sorted().map { "\($0)=\(ExportText.plain(object[$0] ?? .null))" }.joined(separator: ",")
    }
}
