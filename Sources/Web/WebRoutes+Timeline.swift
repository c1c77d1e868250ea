import Audit
import Foundation
import Hummingbird
import Postmortem

/// `/timeline?ticket=INC-42`: the postmortem bundle's timeline picture for one ticket, drawn
/// from the sessions the viewer may see (the same scoped query as `/sessions`) and the marked
/// events of their connections. The page holds the picture as an image (`/timeline.svg`), so
/// the CSP needs no inline content.
extension WebRoutes {
    static let maximumTicketLength = 128

    static func ticket(from web: WebRequest) throws -> String? {
        guard let ticket = web.value("ticket") else { return nil }
        guard ticket.count <= maximumTicketLength,
              ticket.allSatisfy({ $0.isASCII && !$0.isNewline && $0.asciiValue.map { $0 >= 0x20 && $0 != 0x7f } == true })
        else { throw WebProblem.badRequest("The ticket is not a valid value.") }
        return ticket
    }

    func timelinePage(viewer: WebViewer, web: WebRequest) async throws -> Response {
        let ticket = try Self.ticket(from: web)
        var body = "<h1>Timeline of a ticket</h1>"
        body += "<form class=\"filters\" method=\"get\" action=\"/timeline\"><label>Ticket<input name=\"ticket\" id=\"ticket\" value=\""
            + HTML.escape(ticket ?? "") + "\"></label><button type=\"submit\" id=\"apply\">Draw</button></form>"
        guard let ticket else {
            return WebResponse.html(.ok, PageLayout.page(title: "Timeline", viewer: viewer, body: body))
        }
        try await recordRead(viewer, "/timeline", filter: ["ticket": .string(ticket)])
        let scope = viewer.scope
        let rows = try await read { store in try store.ticketTimeline(ticket: ticket, scope: scope) }
        guard !rows.sessions.isEmpty else {
            body += "<p class=\"message\" id=\"empty\">No session you may see carries this ticket.</p>"
            return WebResponse.html(.ok, PageLayout.page(title: "Timeline", viewer: viewer, body: body))
        }
        let count = rows.sessions.count
        body += "<p class=\"message\">\(count) session\(count == 1 ? "" : "s")"
            + (rows.truncated ? " (the newest \(count); narrow with <code>tracegate audit bundle</code>)" : "")
            + ". Bars are sessions, by target and coloured by organisation; marks are commands, refusals, files, approvals and break-glass. "
            + "<a href=\"/sessions?ticket=\(HTML.urlComponent(ticket))\">The sessions</a>.</p>"
        body += "<img id=\"timeline\" alt=\"Timeline of \(HTML.escape(ticket))\" src=\"/timeline.svg?ticket=\(HTML.urlComponent(ticket))\">"
        return WebResponse.html(.ok, PageLayout.page(title: "Timeline", viewer: viewer, body: body))
    }

    func timelinePicture(viewer: WebViewer, web: WebRequest) async throws -> Response {
        guard let ticket = try Self.ticket(from: web) else { throw WebProblem.badRequest("Name a ticket.") }
        try await recordRead(viewer, "/timeline.svg", filter: ["ticket": .string(ticket)])
        let scope = viewer.scope
        let rows = try await read { store in try store.ticketTimeline(ticket: ticket, scope: scope) }
        return WebResponse.svg(TicketTimeline.svg(ticket: ticket, sessions: rows.sessions, events: rows.events))
    }
}
