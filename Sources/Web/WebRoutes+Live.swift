import Audit
import Foundation
import Hummingbird

/// `/live`: the sessions running now, limited to the viewer's view by the same rule as the
/// trail's queries. Reading it is an `audit.query` event like every page; watching,
/// terminating and locking stay in the gateway shell, where the `oversight:` rights are.
extension WebRoutes {
    func livePage(viewer: WebViewer, web: WebRequest) async throws -> Response {
        try await recordRead(viewer, "/live")
        let scope = viewer.scope
        let rows = environment.liveSessions().filter {
            scope.includes(organization: $0.organization, target: $0.target, targetOwner: $0.targetOwner)
        }
        var body = "<h1>Live sessions</h1>"
        body += "<p class=\"message\">Running now on this gateway node, oldest first. "
            + "To watch or end one: <code>ssh gateway live</code>, <code>watch</code>, <code>terminate</code> "
            + "(where your organisation's <code>oversight:</code> entry allows it).</p>"
        guard !rows.isEmpty else {
            body += "<p class=\"message\" id=\"empty\">No session you may see is running.</p>"
            return WebResponse.html(.ok, PageLayout.page(title: "Live sessions", viewer: viewer, body: body))
        }
        body += "<table id=\"rows\"><thead><tr><th>Started</th><th>Session</th><th>User</th><th>Org</th><th>Target</th>"
            + "<th>Login</th><th>Kind</th><th>Command</th><th>Ticket</th><th>Flag</th><th>Idle</th><th>Bytes in/out</th>"
            + "<th>Watchers</th><th>Connection</th></tr></thead><tbody>"
        let formatter = ISO8601DateFormatter()
        for row in rows {
            body += "<tr class=\"row\" data-id=\"\(HTML.escape(row.id))\">"
            body += "<td>\(Self.time(.string(formatter.string(from: row.startedAt))))</td>"
            body += "<td class=\"mono\">\(HTML.escape(row.id))</td>"
            for cell in [row.user, row.organization, row.target ?? "-", row.login ?? "-", row.kind] {
                body += "<td>\(HTML.escape(cell))</td>"
            }
            body += "<td class=\"mono command\">\(HTML.escape(row.command ?? ""))</td>"
            body += "<td>\(HTML.escape(row.ticket ?? "-"))</td><td>\(HTML.escape(row.flag ?? ""))</td>"
            body += "<td>\(row.idleSeconds) s</td><td>\(row.bytesIn) / \(row.bytesOut)</td>"
            body += "<td>\(HTML.escape(row.watchers.joined(separator: ", ")))</td>"
            body += "<td class=\"mono\"><a href=\"/c/\(HTML.urlComponent(row.connectionID))\">\(HTML.escape(row.connectionID))</a></td></tr>"
        }
        body += "</tbody></table>"
        return WebResponse.html(.ok, PageLayout.page(title: "Live sessions", viewer: viewer, body: body))
    }
}
