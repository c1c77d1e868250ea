import Audit
import Foundation
import HTTPTypes
import Hummingbird

/// `/signin/TOKEN` (the link `web` prints) and `/signout`.
extension WebRoutes {
    func signIn(_ request: Request, token: String, from address: String?) async -> Response {
        let outcome = environment.book.redeem(token, sessionLifetime: settings.session)
        switch outcome {
        case .failure(let refusal):
            let event = AuditEvent.webQuery(
                user: nil, organization: nil, sourceAddress: address, command: "web sign-in", filter: [:],
                result: "refused", reason: refusal.rawValue)
            environment.audit.record(event)
            return WebResponse.html(.forbidden, PageLayout.message(
                title: "Link refused",
                text: "This sign-in link is \(refusal == .expiredLink ? "expired" : "unknown or already used"). "
                    + "Links work once, within \(Int(settings.linkLifetime.components.seconds)) seconds: run web again.",
                viewer: nil))
        case .success(let signin):
            let configuration = environment.configuration()
            let organization = configuration.users.first(where: { $0.name == signin.user })?.organization
            let event = AuditEvent.webQuery(
                user: signin.user, organization: organization, sourceAddress: address, command: "web sign-in", filter: [:],
                session: signin.tag)
            do {
                let audit = environment.audit
                try await reads.run { try audit.recordDurably(event) }
            } catch {
                environment.book.end(cookie: signin.cookie)
                return WebResponse.html(.serviceUnavailable, PageLayout.message(
                    title: "Unavailable", text: "The sign-in cannot be recorded right now.", viewer: nil))
            }
            let secure = settings.tlsCertificate != nil || settings.baseURL.hasPrefix("https://")
            var cookie = "\(WebRequest.cookieName)=\(signin.cookie); Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + "\(settings.session.components.seconds)"
            if secure { cookie += "; Secure" }
            // A page, not a redirect: a SameSite=Strict cookie set while following a link from
            // another site (a chat, a ticket) is not sent on the redirect that follows; the
            // next navigation, started from this page, is same-site.
            var response = WebResponse.html(.ok, PageLayout.page(
                title: "Signed in", viewer: nil,
                body: "<h1>Signed in as \(HTML.escape(signin.user))</h1>"
                    + "<p class=\"message\"><a id=\"continue\" href=\"/connections\">Continue to the connections</a></p>",
                metaRefresh: "/connections"))
            response.headers[.setCookie] = cookie
            return response
        }
    }

    func signOut(_ request: Request, from address: String?) async -> Response {
        guard var web = try? WebRequest(request) else { return WebResponse.text(.badRequest, "Bad request.\n") }
        // A form post from another site must not sign anyone out (nor anything else).
        guard !web.isCrossSite, web.origin == nil || web.origin == settings.baseURL || web.fetchSite == "same-origin" else {
            return WebResponse.text(.forbidden, "Cross-site request refused.\n")
        }
        web.clientAddress = address
        if let cookie = web.cookie {
            if let viewer = viewer(for: web) {
                environment.audit.record(.webQuery(
                    user: viewer.user.name, organization: viewer.user.organization, sourceAddress: viewer.clientAddress,
                    command: "web sign-out", filter: [:], session: viewer.sessionTag))
            }
            environment.book.end(cookie: cookie)
        }
        var response = WebResponse.html(.ok, PageLayout.message(title: "Signed out", text: "You are signed out.", viewer: nil))
        response.headers[.setCookie] = "\(WebRequest.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return response
    }
}
