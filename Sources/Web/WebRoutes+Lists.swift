import Audit
import Foundation
import Hummingbird

/// The list pages (`/connections`, `/sessions`, `/files`, `/approvals`, `/reviews`): the
/// CLI's filters in the URL, newest first, 50 a page, paged by keyset (`before=TIME,ID`), so
/// page 1,000 costs what page 1 does.
extension WebRoutes {
    static let pageSize = 50
    static let filterFields: [(name: String, label: String)] = [
        ("user", "User"), ("org", "Organisation"), ("target", "Target"), ("login", "Login"), ("ticket", "Ticket"),
        ("result", "Result"), ("since", "Since"), ("until", "Until"),
    ]

    func listPage(_ page: WebListing, viewer: WebViewer, web: WebRequest) async throws -> Response {
        let listing = page.listing
        let filter = try Self.filter(from: web, allowed: page.filterNames)
        var cursor: AuditCursor?
        if let token = web.value("before") {
            guard let parsed = AuditCursor(token: token) else { throw WebProblem.badRequest("The page position is not valid.") }
            cursor = parsed
        }
        var details = filter.auditDetails
        if let cursor { details["before"] = .string(cursor.token) }
        try await recordRead(viewer, page.path, filter: details)
        let scope = viewer.scope
        let start = cursor
        let rows: AuditPage
        do {
            rows = try await read { store in
                try store.page(of: listing, matching: filter, scope: scope, after: start, size: Self.pageSize)
            }
        } catch let error as AuditError {
            if case .invalidFilter(let message) = error { throw WebProblem.badRequest(message) }
            throw error
        }
        var body = "<h1>\(HTML.escape(page.title))</h1>" + filterForm(action: page.path, web: web, fields: page.filterNames)
        switch page.columns {
        case nil where listing.name == "connections": body += connectionsTable(rows.records)
        case nil: body += sessionsTable(rows.records)
        case let columns?: body += recordsTable(rows.records, columns: columns, empty: page.emptyText)
        }
        body += "<div class=\"pager\">"
        if cursor != nil { body += "<a id=\"first-page\" href=\"\(page.path)\(query(web, replacing: "before", with: nil))\">Newest</a> " }
        if let next = rows.next {
            body += "<a id=\"next-page\" href=\"\(page.path)\(query(web, replacing: "before", with: next.token))\">Older →</a>"
        }
        body += "</div>"
        return WebResponse.html(.ok, PageLayout.page(title: page.title, viewer: viewer, body: body))
    }

    /// A table of `columns`, for the listings without one of their own.
    func recordsTable(_ records: [AuditRecord], columns: [WebListing.Column], empty: String) -> String {
        guard !records.isEmpty else { return "<p class=\"message\" id=\"empty\">\(HTML.escape(empty))</p>" }
        var html = "<table id=\"rows\"><thead><tr>" + columns.map { "<th>\(HTML.escape($0.label))</th>" }.joined()
            + "</tr></thead><tbody>"
        for record in records {
            html += "<tr class=\"row\">"
            for column in columns {
                let value = record[column.name]
                let cell: String
                if column.name == "connection_id", let id = value?.stringValue {
                    cell = "<a href=\"/c/\(HTML.urlComponent(id))\">\(HTML.escape(id))</a>"
                } else if column.name.hasSuffix("_at") || column.name == "time" {
                    cell = Self.time(value)
                } else {
                    cell = HTML.escape(Self.text(value))
                }
                html += column.monospaced ? "<td class=\"mono\">\(cell)</td>" : "<td>\(cell)</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// The filters of the URL; one the page does not offer is refused rather than ignored.
    static func filter(from web: WebRequest, allowed: Set<String>? = nil) throws -> AuditFilter {
        if let allowed, let other = filterFields.map(\.name).first(where: { !allowed.contains($0) && web.value($0) != nil }) {
            throw WebProblem.badRequest("This page cannot be filtered by \(other).")
        }
        var filter = AuditFilter()
        let names: [(String, WritableKeyPath<AuditFilter, String?>)] = [
            ("user", \.user), ("org", \.organization), ("target", \.target), ("login", \.login), ("ticket", \.ticket),
            ("result", \.result),
        ]
        for (parameter, path) in names {
            guard let value = web.value(parameter) else { continue }
            guard value.count <= 128, !value.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else {
                throw WebProblem.badRequest("The \(parameter) filter is not a valid value.")
            }
            filter[keyPath: path] = value
        }
        do {
            if let since = web.value("since") { filter.since = try TimeBoundParser.parse(since) }
            if let until = web.value("until") { filter.until = try TimeBoundParser.parse(until) }
        } catch {
            throw WebProblem.badRequest("\(error)")
        }
        return filter
    }

    func filterForm(action: String, web: WebRequest, extra: String = "", fields: Set<String>? = nil) -> String {
        var form = "<form class=\"filters\" method=\"get\" action=\"\(action)\">" + extra
        for field in Self.filterFields where fields?.contains(field.name) ?? true {
            let value = HTML.escape(web.value(field.name) ?? "")
            form += "<label>\(field.label)<input name=\"\(field.name)\" id=\"filter-\(field.name)\" value=\"\(value)\""
            form += field.name == "since" || field.name == "until" ? " placeholder=\"2h, 2025-01-31\"" : ""
            form += "></label>"
        }
        form += "<button type=\"submit\" id=\"apply\">Filter</button> <a href=\"\(action)\">Clear</a></form>"
        return form
    }

    /// The current query with one parameter replaced (or removed), as `?a=b&…`.
    func query(_ web: WebRequest, replacing name: String, with value: String?) -> String {
        var parameters = web.query.filter { $0.key != name && !$0.value.isEmpty }
        if let value { parameters[name] = value }
        guard !parameters.isEmpty else { return "" }
        return "?" + parameters.sorted { $0.key < $1.key }
            .map { "\(HTML.urlComponent($0.key))=\(HTML.urlComponent($0.value))" }.joined(separator: "&")
    }

    func connectionsTable(_ records: [AuditRecord]) -> String {
        guard !records.isEmpty else { return "<p class=\"message\" id=\"empty\">No connections match.</p>" }
        var html = "<table id=\"rows\"><thead><tr><th>Opened</th><th>Connection</th><th>User</th><th>Org</th><th>From</th>"
            + "<th>Target</th><th>Login</th><th>Ticket</th><th>Result</th><th>Reason</th><th>Closed by</th>"
            + "<th>Duration</th><th>Sessions</th></tr></thead><tbody>"
        for record in records {
            let id = Self.text(record["connection_id"])
            let failed = Self.text(record["result"]) != "allow" && Self.text(record["result"]) != "-"
            html += "<tr class=\"row\(failed ? " failed" : "")\" data-id=\"\(HTML.escape(id))\">"
            html += "<td>\(Self.time(record["opened_at"]))</td>"
            html += "<td class=\"mono\"><a href=\"/c/\(HTML.urlComponent(id))\">\(HTML.escape(id))</a></td>"
            for column in ["user", "organization", "source_address", "target", "login", "ticket", "result", "reason",
                           "close_reason"] {
                html += "<td>\(HTML.escape(Self.text(record[column])))</td>"
            }
            html += "<td>\(Self.duration(record["duration_ms"]))</td><td>\(HTML.escape(Self.text(record["session_count"])))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    func sessionsTable(_ records: [AuditRecord]) -> String {
        guard !records.isEmpty else { return "<p class=\"message\" id=\"empty\">No sessions match.</p>" }
        var html = "<table id=\"rows\"><thead><tr><th>Opened</th><th>Session</th><th>Connection</th><th>User</th><th>Org</th>"
            + "<th>Target</th><th>Login</th><th>Type</th><th>Command</th><th>Exit</th><th>Result</th><th>Duration</th>"
            + "<th>Replay</th></tr></thead><tbody>"
        for record in records { html += sessionRow(record) }
        return html + "</tbody></table>"
    }

    func sessionRow(_ record: AuditRecord) -> String {
        let id = Self.text(record["session_id"])
        let connection = Self.text(record["connection_id"])
        var html = "<tr class=\"row\" data-id=\"\(HTML.escape(id))\"><td>\(Self.time(record["opened_at"]))</td>"
        html += "<td class=\"mono\">\(HTML.escape(id))</td>"
        html += "<td class=\"mono\"><a href=\"/c/\(HTML.urlComponent(connection))\">\(HTML.escape(connection))</a></td>"
        for column in ["user", "organization", "target", "login", "channel_type"] {
            html += "<td>\(HTML.escape(Self.text(record[column])))</td>"
        }
        let command = record["command"]?.stringValue ?? record["subsystem"]?.stringValue ?? ""
        html += "<td class=\"mono command\">\(HTML.escape(command))</td>"
        html += "<td>\(HTML.escape(Self.text(record["exit_status"])))</td><td>\(HTML.escape(Self.text(record["result"])))</td>"
        html += "<td>\(Self.duration(record["duration_ms"]))</td>"
        if record["recording_path"]?.stringValue != nil {
            html += "<td><a class=\"replay\" href=\"/s/\(HTML.urlComponent(id))\">Replay</a></td>"
        } else {
            html += "<td></td>"
        }
        return html + "</tr>"
    }

    static func text(_ value: AuditValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .integer(let number)?: String(number)
        case .double(let number)?: String(number)
        case .bool(let flag)?: flag ? "true" : "false"
        default: "-"
        }
    }

    static func time(_ value: AuditValue?) -> String {
        guard let text = value?.stringValue else { return "-" }
        return HTML.escape(String(text.prefix(19)).replacingOccurrences(of: "T", with: " "))
    }

    static func duration(_ value: AuditValue?) -> String {
        guard case .integer(let milliseconds)? = value else { return "-" }
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let seconds = milliseconds / 1000
        return seconds < 3600 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds / 3600)h\((seconds % 3600) / 60)m"
    }
}
