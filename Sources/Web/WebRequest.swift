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

    enum Problem: Error { case badQuery(String) }

    init(_ request: Request) throws(Problem) {
        path = request.uri.path
        query = [:]
        if let raw = request.uri.query, !raw.isEmpty {
            let pairs = raw.split(separator: "&", omittingEmptySubsequences: true)
            guard pairs.count <= Self.maxParameters else { throw .badQuery("too many parameters") }
            for pair in pairs {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                    throw .badQuery("a parameter is not valid percent-encoded UTF-8")
                }
                guard name.utf8.count <= 32, value.utf8.count <= Self.maxValueBytes else {
                    throw .badQuery("a parameter is longer than \(Self.maxValueBytes) bytes")
                }
                query[name] = value
            }
        }
        cookie = Self.header(request, "cookie").flatMap(Self.sessionCookie(in:))
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

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    private static func sessionCookie(in header: String) -> String? {
        guard header.utf8.count <= 8192 else { return nil }
        for part in header.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(cookieName + "=") { return String(trimmed.dropFirst(cookieName.count + 1)) }
        }
        return nil
    }
}
