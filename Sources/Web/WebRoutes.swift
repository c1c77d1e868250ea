import Audit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Policy

/// The routes of the web page. Every page but the sign-in link and the static files needs a
/// live session cookie; every read is limited to the viewer's scope in its SQL.
struct WebRoutes: Sendable {
    let environment: WebEnvironment
    let settings: WebSettings
    let reads = BlockingReads()
    let assets = WebAssets()

    func makeRouter() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: WebGuard(secure: settings.tlsCertificate != nil || settings.baseURL.hasPrefix("https://")))
        router.get("/") { _, _ in WebResponse.redirect("/connections") }
        router.get("/signin/:token") { request, context in
            await self.signIn(request, token: context.parameters.get("token") ?? "", from: context.clientAddress)
        }
        router.post("/signout") { request, context in await self.signOut(request, from: context.clientAddress) }
        for listing in WebListing.all {
            router.get(RouterPath(listing.path)) { request, context in
                await self.page(request, from: context.clientAddress) { viewer, web in try await self.listPage(listing, viewer: viewer, web: web) }
            }
        }
        router.get("/timeline") { request, context in
            await self.page(request, from: context.clientAddress) { viewer, web in try await self.timelinePage(viewer: viewer, web: web) }
        }
        router.get("/timeline.svg") { request, context in
            await self.endpoint(request, from: context.clientAddress) { viewer, web in try await self.timelinePicture(viewer: viewer, web: web) }
        }
        router.get("/live") { request, context in
            await self.page(request, from: context.clientAddress) { viewer, web in try await self.livePage(viewer: viewer, web: web) }
        }
        router.get("/c/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.page(request, from: context.clientAddress) { viewer, web in try await self.connectionPage(id, viewer: viewer, web: web) }
        }
        router.get("/s/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.page(request, from: context.clientAddress) { viewer, web in try await self.replayPage(id, viewer: viewer, web: web) }
        }
        router.get("/s/:id/cast") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.endpoint(request, from: context.clientAddress) { viewer, web in try await self.cast(id, viewer: viewer, web: web) }
        }
        router.get("/search") { request, context in
            await self.page(request, from: context.clientAddress) { viewer, web in try await self.searchPage(viewer: viewer, web: web) }
        }
        router.get("/api/whoami") { request, context in
            await self.endpoint(request, from: context.clientAddress) { viewer, _ in
                WebResponse.json(.ok, ["user": viewer.user.name, "organization": viewer.user.organization, "sees": viewer.summary])
            }
        }
        // Browsers ask for it on every site; an answer keeps their consoles free of 404s.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/static/style.css") { _, _ in WebResponse.asset(StyleSheet.source, type: "text/css; charset=utf-8") }
        router.get("/static/replay.js") { _, _ in
            WebResponse.asset(ReplayScript.source, type: "text/javascript; charset=utf-8")
        }
        router.get("/static/xterm.js") { _, _ in
            guard let script = self.assets.xtermScript else {
                return WebResponse.text(.notFound, "xterm.js is not installed: apt-get install libjs-xterm node-xterm\n")
            }
            return WebResponse.asset(script, type: "text/javascript; charset=utf-8")
        }
        router.get("/static/xterm.css") { _, _ in
            guard let css = self.assets.xtermStylesheet else { return WebResponse.text(.notFound, "not installed\n") }
            return WebResponse.asset(css, type: "text/css; charset=utf-8")
        }
        return router
    }

    // MARK: Sessions and the trail

    /// An HTML page for a signed-in viewer; anyone else gets the sign-in page (401).
    func page(_ request: Request, from address: String?, _ body: @Sendable (WebViewer, WebRequest) async throws -> Response)
        async -> Response
    {
        var web: WebRequest
        do {
            web = try WebRequest(request)
            web.clientAddress = address
        } catch {
            return WebResponse.html(.badRequest, PageLayout.message(title: "Bad request", text: "\(error)", viewer: nil))
        }
        guard let viewer = viewer(for: web) else {
            let port = environment.configuration().listen.port
            return WebResponse.html(.unauthorized, PageLayout.message(
                title: "Sign in",
                text: "Open a sign-in link: run ssh -p \(port) YOUR_USER@GATEWAY web and open the link it prints.",
                viewer: nil))
        }
        do {
            return try await body(viewer, web)
        } catch let problem as WebProblem {
            return problem.response(viewer: viewer)
        } catch {
            environment.logger.error("web page failed", metadata: ["tg.path": "\(web.path)", "tg.error": "\(error)"])
            return WebResponse.html(.serviceUnavailable, PageLayout.message(
                title: "Unavailable", text: "The audit trail cannot be read right now.", viewer: viewer))
        }
    }

    /// A data endpoint (JSON, recording ranges): no cookie, a cross-site caller or a bad
    /// parameter gets a short JSON refusal, never a page.
    func endpoint(_ request: Request, from address: String?, _ body: @Sendable (WebViewer, WebRequest) async throws -> Response)
        async -> Response
    {
        var web: WebRequest
        do {
            web = try WebRequest(request)
            web.clientAddress = address
        } catch {
            return WebResponse.json(.badRequest, ["error": "\(error)"])
        }
        guard !web.isCrossSite else { return WebResponse.json(.forbidden, ["error": "cross-site request"]) }
        guard let viewer = viewer(for: web) else { return WebResponse.json(.unauthorized, ["error": "not signed in"]) }
        do {
            return try await body(viewer, web)
        } catch let problem as WebProblem {
            return WebResponse.json(problem.status, ["error": problem.text])
        } catch {
            return WebResponse.json(.serviceUnavailable, ["error": "the audit trail cannot be read right now"])
        }
    }

    func viewer(for web: WebRequest) -> WebViewer? {
        guard let cookie = web.cookie, let session = environment.book.session(cookie: cookie) else { return nil }
        var viewer = WebViewer.resolve(user: session.user, sessionTag: session.tag, configuration: environment.configuration())
        viewer?.clientAddress = web.clientAddress
        return viewer
    }

    /// Records the read in the trail before it happens, like the CLI: a read that cannot be
    /// recorded does not happen.
    func recordRead(_ viewer: WebViewer, _ what: String, filter: [String: AuditValue] = [:]) async throws {
        let event = AuditEvent.webQuery(
            user: viewer.user.name, organization: viewer.user.organization, sourceAddress: viewer.clientAddress,
            command: "web " + what, filter: filter, session: viewer.sessionTag)
        let audit = environment.audit
        try await reads.run { try audit.recordDurably(event) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (AuditStore) throws -> T) async throws -> T {
        let store = environment.store
        return try await reads.run { try body(store) }
    }
}

/// A refusal a handler answers with: 400 for bad parameters, 404 for what does not exist or
/// is outside the viewer's view (the same answer, so nobody can probe for ids).
struct WebProblem: Error {
    var status: HTTPResponse.Status
    var text: String

    static func badRequest(_ text: String) -> WebProblem { WebProblem(status: .badRequest, text: text) }
    static let notFound = WebProblem(status: .notFound, text: "No such page, or not one you may see.")

    func response(viewer: WebViewer?) -> Response {
        let title = status == .notFound ? "Not found" : "Bad request"
        return WebResponse.html(status, PageLayout.message(title: title, text: text, viewer: viewer))
    }
}

/// The files served from the Debian packages, read once.
final class WebAssets: Sendable {
    let xtermScript: String?
    let xtermStylesheet: String?

    init() {
        xtermScript = XtermBundle.build()
        xtermStylesheet = try? String(contentsOfFile: XtermBundle.stylesheetPath, encoding: .utf8)
    }
}
