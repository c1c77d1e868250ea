import Foundation
import HTTPTypes
import Hummingbird

/// What the handlers read from a request, parsed once and bounded: the query (at most 32
/// parameters of 256 bytes), the session cookie, and where the request came from.
struct WebRequest: Sendable {
    static let cookieName = "tg_web"
    static let maxParameters = 32
    static let maxValueBytes = 256

    var path: String
    var query: [String: String]
    var cookie: String?
    var fetchSite: String?
    var origin: String?
    var range: String?
    /// Set by the route from the connection (not a header a client could forge).
    var clientAddress: String?

    enum Problem: Error { case badQuery(String) }

    init(_ request: Request) throws(Problem) {
        path = request.uri.path
        do {
            query = try WebInput.query(request.uri.query, maxParameters: Self.maxParameters, maxValueBytes: Self.maxValueBytes)
        } catch {
            throw .badQuery(error.description)
        }
        cookie = Self.header(request, "cookie").flatMap { WebInput.cookie(named: Self.cookieName, in: $0) }
        fetchSite = Self.header(request, "sec-fetch-site")
        origin = Self.header(request, "origin")
        range = Self.header(request, "range")
    }

    /// A query value, nil when absent or empty (an empty filter box filters nothing).
    func value(_ name: String) -> String? {
        guard let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// Browsers send `Sec-Fetch-Site`; a request made from another site's page is refused
    /// whatever it asks (the cookie is SameSite=Strict as well: two locks).
    var isCrossSite: Bool {
        if let fetchSite { return !(fetchSite == "same-origin" || fetchSite == "none") }
        return false
    }

    private static func header(_ request: Request, _ name: String) -> String? {
        guard let fieldName = HTTPField.Name(name) else { return nil }
        return request.headers[fieldName]
    }
}
