import Audit
import Foundation
import Hummingbird

/// `/c/c-…`: what `tracegate audit show` prints, and the sessions with their replays.
extension WebRoutes {
    static func isIdentifier(_ id: String, prefix: String) -> Bool {
        id.hasPrefix(prefix) && id.count <= 80
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    func connectionPage(_ id: String, viewer: WebViewer, web: WebRequest) async throws -> Response {
        guard Self.isIdentifier(id, prefix: "c-") else { throw WebProblem.notFound }
        try await recordRead(viewer, "/c/\(id)", filter: ["connection_id": .string(id)])
        let scope = viewer.scope
        guard let detail = try await read({ store in try store.connectionDetail(id: id, scope: scope) }) else {
            throw WebProblem.notFound
        }
        var body = "<h1>Connection <span class=\"mono\">\(HTML.escape(id))</span></h1>"
        body += "<h2>Sessions</h2>"
        if detail.sessions.isEmpty {
            body += "<p class=\"message\">No sessions.</p>"
        } else {
            body += "<table id=\"sessions\"><thead><tr><th>Opened</th><th>Session</th><th>Connection</th><th>User</th><th>Org</th>"
                + "<th>Target</th><th>Login</th><th>Type</th><th>Command</th><th>Exit</th><th>Result</th><th>Duration</th>"
                + "<th>Replay</th></tr></thead><tbody>"
            for session in detail.sessions { body += sessionRow(session) }
            body += "</tbody></table>"
        }
        body += "<h2>As <code>tracegate audit show</code> prints it</h2>"
        body += "<pre class=\"report\" id=\"report\">\(HTML.escape(ConnectionReport.text(detail).joined(separator: "\n")))</pre>"
        return WebResponse.html(.ok, PageLayout.page(title: id, viewer: viewer, body: body))
    }

    /// `/search?q=…`: sessions whose recorded text contains the words, within the viewer's scope.
    func searchPage(viewer: WebViewer, web: WebRequest) async throws -> Response {
        let text = web.value("q")
        var body = "<h1>Search the recorded text</h1>"
        let box = "<label>Text<input name=\"q\" id=\"q\" value=\"\(HTML.escape(text ?? ""))\"></label>"
        body += filterForm(action: "/search", web: web, extra: box)
        guard let text else {
            return WebResponse.html(.ok, PageLayout.page(title: "Search", viewer: viewer, body: body))
        }
        guard text.count <= 200 else { throw WebProblem.badRequest("The search text is longer than 200 characters.") }
        var filter = try Self.filter(from: web)
        filter.limit = 100
        var details = filter.auditDetails
        details["text"] = .string(text)
        try await recordRead(viewer, "/search", filter: details)
        let scope = viewer.scope
        let query = filter
        let hits: [SessionTextHit]
        do {
            hits = try await read { store in try store.searchSessionText(text, matching: query, scope: scope) }
        } catch let error as AuditError {
            if case .invalidFilter(let message) = error { throw WebProblem.badRequest(message) }
            throw error
        }
        guard !hits.isEmpty else {
            body += "<p class=\"message\" id=\"empty\">No session contains that text.</p>"
            return WebResponse.html(.ok, PageLayout.page(title: "Search", viewer: viewer, body: body))
        }
        body += "<table id=\"rows\"><thead><tr><th>Opened</th><th>Session</th><th>User</th><th>Org</th><th>Target</th>"
            + "<th>Login</th><th>Line</th><th></th></tr></thead><tbody>"
        for hit in hits {
            let session = hit.session
            let id = Self.text(session["session_id"])
            let connection = Self.text(session["connection_id"])
            body += "<tr class=\"row\" data-id=\"\(HTML.escape(id))\"><td>\(Self.time(session["opened_at"]))</td>"
            body += "<td class=\"mono\"><a href=\"/c/\(HTML.urlComponent(connection))\">\(HTML.escape(id))</a></td>"
            for column in ["user", "organization", "target", "login"] {
                body += "<td>\(HTML.escape(Self.text(session[column])))</td>"
            }
            body += "<td class=\"mono\"><span class=\"hit\">\(HTML.escape(hit.line))</span>"
            if hit.matchingLines > 1 { body += " (+\(hit.matchingLines - 1) more)" }
            body += "</td><td>"
            if session["recording_path"]?.stringValue != nil {
                body += "<a class=\"replay\" href=\"/s/\(HTML.urlComponent(id))\">Replay</a>"
            }
            body += "</td></tr>"
        }
        body += "</tbody></table>"
        return WebResponse.html(.ok, PageLayout.page(title: "Search", viewer: viewer, body: body))
    }
}
