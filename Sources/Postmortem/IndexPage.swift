import Audit
import Foundation

/// `index.html`: one page with no script and no external reference, which any browser opens
/// from the file system: the summary, the timeline (inline SVG), the sessions (each linking to
/// its recording and its events) and the selected events.
struct IndexPage {
    var selection: BundleSelection
    var extract: BundleExtract
    var counts: BundleManifest.Counts
    var recordings: [BundleManifest.Recording]
    var svg: String
    var createdAt: String
    var exporter: String
    var zone: TimeZone?

    private func e(_ text: String?) -> String { TimelineSVG.escape(text ?? "") }

    var html: String {
        var out: [String] = []
        out.append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Postmortem bundle: \(e(selection.summary))</title>
            <style>
            body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:1.5em;color:#111}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
            table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ccc;padding:.2em .45em;text-align:left;vertical-align:top}
            th{background:#f0f0f0}td.num{text-align:right}code{font-size:.95em}
            .summary th{width:11em}.timeline{overflow-x:auto;border:1px solid #ddd;max-height:80vh}
            .denied{color:#b00}tbody.group tr:first-child td{border-top:2px solid #888}
            </style></head><body>
            <h1>Postmortem bundle: \(e(selection.summary))</h1>
            """)
        out.append(summary)
        out.append("<h2 id=\"timeline\">Timeline</h2>")
        out.append("<div class=\"timeline\">")
        out.append(svg.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: ""))
        out.append("</div>")
        out.append(sessionTable)
        out.append(eventTable)
        out.append("""
            <p>Check this bundle with <code>tracegate audit bundle verify DIR --expect HEAD</code>, HEAD being the audit head
            your own copy of the trail shows; <code>--against audit.db</code> also proves nothing was left out.</p>
            </body></html>
            """)
        return out.joined(separator: "\n") + "\n"
    }

    private var summary: String {
        let organizations = Set(extract.sessions.compactMap { $0["organization"]?.stringValue }).sorted()
        let engineers = Set(extract.connections.compactMap { $0["user"]?.stringValue }).sorted()
        let targets = Set(extract.connections.compactMap { $0["target"]?.stringValue }).sorted()
        let first = extract.events.first?.time ?? "-"
        let last = extract.events.last(where: { $0.kind != AuditEventKind.auditQuery.rawValue })?.time ?? "-"
        var rows: [(String, String)] = [
            ("Selection", e(selection.summary)),
            ("Time range (UTC)", "\(e(selection.since ?? first)) to \(e(selection.until ?? last))"),
            ("Organisations", e(organizations.joined(separator: ", "))),
            ("Engineers", e(engineers.joined(separator: ", "))),
            ("Targets", e(targets.joined(separator: ", "))),
            ("Connections", "\(counts.connections)"),
            ("Sessions", "\(counts.sessions)"),
            ("Denials and refusals", "\(counts.denials)"),
            ("Approval events", "\(counts.approvals)"),
            ("Break-glass events", "\(counts.breakGlass)"),
            ("File transfers", counts.fileTransfers.map { "\($0) (files.csv)" }
                ?? "\(extract.events.filter(BundleFacts.isFileTransfer).count) scp/sftp/rsync sessions (no file ledger in this trail)"),
            ("Events", "\(counts.events) selected, \(counts.links) chain links to the head"),
            ("Audit head", extract.nodeHeads.map { heads in
                // A cluster: one chain per node, each proved to its own head.
                heads.sorted { $0.key < $1.key }.map { "node \(e($0.key)): event \($0.value.id), <code>\(e($0.value.hash))</code>" }
                    .joined(separator: "<br>")
            } ?? "event \(extract.head.id), <code>\(e(extract.head.hash))</code>"),
            ("Exported", "\(e(createdAt)) by \(e(exporter))"),
        ]
        if let zone { rows.insert(("Time zone shown", e(zone.identifier)), at: 2) }
        return "<table class=\"summary\" id=\"summary\">"
            + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
    }

    private var sessionTable: String {
        // On a cluster a session id is one node's: its node is a column, and its recording is its node's.
        let perNode = extract.nodeHeads != nil
        let recordingBySession = Dictionary(recordings.compactMap { r in r.path.map { ((r.node ?? "") + "/" + r.session, $0) } },
                                            uniquingKeysWith: { a, _ in a })
        let headers = (perNode ? ["Node"] : []) + ["Session", "Opened (UTC)", "Closed", "User", "Org", "Target", "Login", "Ticket",
                                                   "Type", "Command", "Exit", "Result", "Recording", "Events"]
        var out = ["<h2 id=\"sessions\">Sessions</h2>", "<table id=\"session-table\"><thead><tr>"
            + headers.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"]
        for row in extract.sessions {
            let id = row["session_id"]?.stringValue ?? ""
            let node = row["node"]?.stringValue
            func cell(_ column: String) -> String { e(row[column].map(ExportValue.text)) }
            let command = row["command"]?.stringValue ?? row["subsystem"]?.stringValue
            let recording = recordingBySession[(node ?? "") + "/" + id]
                .map { "<a href=\"\(e($0))\">\(e(($0 as NSString).lastPathComponent))</a>" } ?? ""
            out.append("<tr id=\"session-\(e(id))\">" + (perNode ? "<td>\(e(node))</td>" : "")
                + "<td><code>\(e(id))</code></td><td>\(cell("opened_at"))</td><td>\(cell("closed_at"))</td>"
                + "<td>\(cell("user"))</td><td>\(cell("organization"))</td><td>\(cell("target"))</td><td>\(cell("login"))</td>"
                + "<td>\(cell("ticket"))</td><td>\(cell("channel_type"))</td><td><code>\(e(command))</code></td>"
                + "<td class=\"num\">\(cell("exit_status"))</td><td>\(cell("result"))</td><td>\(recording)</td>"
                + "<td><a href=\"#events-\(e(id))\">events</a></td></tr>")
        }
        out.append("</tbody></table>")
        return out.joined(separator: "\n")
    }

    /// Events grouped by session (each group an anchor the session table links to), then the
    /// connection-level events by connection, then those outside any connection.
    private var eventTable: String {
        var groups: [(key: String, events: [(node: String?, event: StoredEvent)])] = []
        var index: [String: Int] = [:]
        for (position, event) in extract.events.enumerated() {
            let key = event.sessionID.map { "events-" + $0 } ?? event.connectionID.map { "events-" + $0 } ?? "events-other"
            let entry = (node: extract.node(ofEvent: position), event: event)
            if let position = index[key] { groups[position].events.append(entry) } else {
                index[key] = groups.count
                groups.append((key, [entry]))
            }
        }
        var out = ["<h2 id=\"events\">Events</h2>", "<table id=\"event-table\"><thead><tr>"
            + ["Id", "Time (UTC)", "Kind", "Connection", "Session", "User", "Target", "Result", "Reason", "Details"]
                .map { "<th>\($0)</th>" }.joined() + "</tr></thead>"]
        for group in groups {
            out.append("<tbody class=\"group\" id=\"\(e(group.key))\">")
            for (node, event) in group.events {
                let denied = BundleFacts.isDenial(event) ? " class=\"denied\"" : ""
                // On a cluster each node counts its own ids: the node makes the id one event's.
                let anchor = node.map { "event-\(e($0))-\(event.id)" } ?? "event-\(event.id)"
                let number = node.map { "\(e($0)) \(event.id)" } ?? "\(event.id)"
                out.append("<tr id=\"\(anchor)\"\(denied)><td class=\"num\">\(number)</td><td>\(e(event.time))</td>"
                    + "<td>\(e(event.kind))</td><td>\(e(event.connectionID))</td><td>\(e(event.sessionID))</td>"
                    + "<td>\(e(event.user))</td><td>\(e(event.target))</td><td>\(e(event.result))</td><td>\(e(event.reason))</td>"
                    + "<td><code>\(e(event.details))</code></td></tr>")
            }
            out.append("</tbody>")
        }
        out.append("</table>")
        return out.joined(separator: "\n")
    }
}

/// Plain text of a value for a cell.
enum ExportValue {
    static func text(_ value: AuditValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        default: CanonicalJSON.encode(value)
        }
    }
}
